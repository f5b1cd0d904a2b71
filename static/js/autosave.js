// Saving as people type, for every form marked data-autosave (the review, the
// application's sections, who applies).
//
//   <form data-autosave data-autosave-key="…" data-autosave-url="…"
//         data-autosave-version="…" [data-autosave-note="…"] [data-autosave-dirty]>
//     … <div data-autosave-status-bar hidden><p data-autosave-status></p></div>
//
// - Every change is copied at once into this browser (localStorage, under the
//   key), so nothing typed is lost when the network or the battery goes.
// - A second after the typing stops, the form is sent to data-autosave-url
//   (core/autosave.py says what comes back). Fields the server refuses get
//   their message beside them and keep their text here; the rest is stored.
//   When the server confirms everything, the copy here is removed.
// - Without data-autosave-url the page is saved by its button only: the copy
//   here and the warning on leaving still protect what was typed.
// - A copy that was never confirmed is put back into the form on the next
//   visit, with a notice; if the stored draft changed since (another device),
//   the person chooses.
// - Leaving the page with text the server has not confirmed asks first.
// - A form with [data-autosave-base] (an application's section) sends the revision it
//   is based on and takes the new one from each answer; when someone else saved the
//   same section meanwhile ("conflict"), autosaving stops and the status says so.
// Without JavaScript none of this happens and the buttons save, as before.
(function () {
  "use strict";
  var gettext = window.gettext || function (text) { return text; };
  var interpolate =
    window.interpolate ||
    function (format, values) {
      var index = 0;
      return format.replace(/%s/g, function () { return String(values[index++]); });
    };
  var DELAY = 1000; // after the last keystroke
  var MAX_WAIT = 8000; // while typing without a pause
  var MAX_RETRY = 30000;
  var MANAGEMENT = /-(INITIAL|MIN_NUM|MAX_NUM)_FORMS$/;

  function storage() {
    try {
      return window.localStorage;
    } catch (error) {
      return null; // storage switched off: saving to the server still works
    }
  }

  function clock(date) {
    return (
      String(date.getHours()).padStart(2, "0") + ":" + String(date.getMinutes()).padStart(2, "0")
    );
  }

  function cookie(name) {
    var match = document.cookie.match(new RegExp("(?:^|; )" + name + "=([^;]*)"));
    return match ? decodeURIComponent(match[1]) : "";
  }

  // A submitted review: its copy here is of no use any more.
  document.querySelectorAll("[data-autosave-forget]").forEach(function (element) {
    var store = storage();
    if (store) store.removeItem(element.dataset.autosaveForget);
  });

  document.querySelectorAll("form[data-autosave]").forEach(setUp);

  function setUp(form) {
    var url = form.dataset.autosaveUrl || "";
    var key = form.dataset.autosaveKey;
    var note = form.dataset.autosaveNote || "";
    var version = form.dataset.autosaveVersion || "";
    var bar = form.querySelector("[data-autosave-status-bar]");
    var status = form.querySelector("[data-autosave-status]");
    var base = form.querySelector("[data-autosave-base]"); // the section's revision, if any
    var store = storage();
    var edits = 0; // changes made on this page so far
    var confirmed = 0; // changes the server has confirmed
    var answeredUpTo = 0; // changes the server has answered about (refused fields are answered)
    var timer = null;
    var typingSince = null;
    var inFlight = false;
    var stopped = false; // the server said nothing more can be stored
    var submitting = false;
    var restoring = false;
    var retryDelay = 0;
    var retryTimer = null;
    var lastErrors = {};
    var savedAt = "";
    var unreachable = false; // the last try found no connection

    if (!key) return;
    if (bar) bar.hidden = false;

    // --- the copy in this browser ----------------------------------------------------

    function snapshot() {
      var fields = {};
      Array.prototype.forEach.call(form.elements, function (field) {
        var name = field.name;
        if (!name || name === "csrfmiddlewaretoken" || MANAGEMENT.test(name)) return;
        // What the page was based on is the server's to say, never restored from a copy.
        if (field.hasAttribute("data-autosave-base")) return;
        if (/^(submit|button|reset|file)$/.test(field.type)) return;
        if (field.type === "radio") {
          if (field.checked) fields[name] = field.value;
          else if (!(name in fields)) fields[name] = "";
        } else if (field.type === "checkbox") {
          fields[name] = field.checked;
        } else {
          fields[name] = field.value;
        }
      });
      return fields;
    }

    function read() {
      if (!store) return null;
      try {
        var copy = JSON.parse(store.getItem(key) || "null");
        return copy && copy.fields ? copy : null;
      } catch (error) {
        return null;
      }
    }

    function write() {
      if (!store) return;
      try {
        store.setItem(key, JSON.stringify({ at: Date.now(), base: version, fields: snapshot() }));
      } catch (error) {
        // Full storage: the server copy is what is left; nothing to do here.
      }
    }

    function forget() {
      if (store) store.removeItem(key);
    }

    function differs(fields, current) {
      return Object.keys(fields).some(function (name) {
        return name in current && String(fields[name]) !== String(current[name]);
      });
    }

    function fieldsNamed(name) {
      return Array.prototype.filter.call(form.elements, function (field) {
        return field.name === name;
      });
    }

    function apply(fields) {
      restoring = true;
      // Tables first: add rows until there are as many as in the copy.
      Object.keys(fields).forEach(function (name) {
        if (!/-TOTAL_FORMS$/.test(name)) return;
        var total = fieldsNamed(name)[0];
        var fieldset = total && total.closest("fieldset");
        var add = fieldset && fieldset.querySelector("[data-formset-add]");
        var wanted = parseInt(fields[name], 10);
        var guard = 0;
        while (add && !add.disabled && parseInt(total.value, 10) < wanted && guard++ < 100) {
          add.click();
        }
      });
      Object.keys(fields).forEach(function (name) {
        if (/-TOTAL_FORMS$/.test(name)) return;
        fieldsNamed(name).forEach(function (field) {
          var before = field.type === "radio" || field.type === "checkbox" ? field.checked : field.value;
          if (field.type === "radio") field.checked = field.value === fields[name];
          else if (field.type === "checkbox") field.checked = fields[name] === true;
          else field.value = fields[name];
          var after = field.type === "radio" || field.type === "checkbox" ? field.checked : field.value;
          if (before !== after) {
            // Other scripts (the live totals, who applies) follow the restored values.
            field.dispatchEvent(new Event("input", { bubbles: true }));
            field.dispatchEvent(new Event("change", { bubbles: true }));
          }
        });
      });
      if (document.activeElement && form.contains(document.activeElement)) {
        document.activeElement.blur(); // adding rows moved the focus; give it back
      }
      restoring = false;
    }

    function notice(text, actions) {
      var box = form.querySelector("[data-autosave-notice]");
      if (!box) {
        box = document.createElement("div");
        box.className = "alert alert-info";
        box.setAttribute("role", "status");
        box.setAttribute("data-autosave-notice", "");
        form.insertBefore(box, form.firstChild);
      }
      box.textContent = "";
      var words = document.createElement("p");
      words.className = actions && actions.length ? "mb-2" : "mb-0";
      words.textContent = text;
      box.appendChild(words);
      (actions || []).forEach(function (action) {
        var button = document.createElement("button");
        button.type = "button";
        button.className = "btn btn-sm me-2 " + (action.primary ? "btn-primary" : "btn-outline-primary");
        button.textContent = action.label;
        button.addEventListener("click", function () {
          action.run();
          if (action.close) box.remove();
        });
        box.appendChild(button);
      });
      return box;
    }

    // --- the status line ----------------------------------------------------------------

    function say(text, tone) {
      if (!status) return;
      status.textContent = text;
      if (bar) bar.dataset.tone = tone || "";
    }

    function saidSaved() {
      var text = interpolate(gettext("Saved at %s."), [savedAt]);
      say(note ? text + " " + note : text, note ? "warning" : "ok");
    }

    // --- the server's messages beside the fields ----------------------------------------

    function rowOf(field) {
      return field.closest("[data-formset-row]");
    }

    function stillTyping(field) {
      // "Required" for an empty field of the row being filled in is for later:
      // it shows once the focus leaves that row.
      var row = rowOf(field);
      return (
        row && !String(field.value || "").trim() && row.contains(document.activeElement)
      );
    }

    function clearErrors() {
      form.querySelectorAll("[data-autosave-error]").forEach(function (element) {
        element.remove();
      });
      form.querySelectorAll("[data-autosave-invalid]").forEach(function (field) {
        field.classList.remove("is-invalid");
        field.removeAttribute("aria-invalid");
        field.removeAttribute("data-autosave-invalid");
        var described = (field.getAttribute("aria-describedby") || "")
          .split(" ")
          .filter(function (id) { return id && id.indexOf("-autosave-error") === -1; });
        if (described.length) field.setAttribute("aria-describedby", described.join(" "));
        else field.removeAttribute("aria-describedby");
      });
    }

    function clearServerErrors(except) {
      // Messages printed with the page (after a refused press of a button) go once
      // the autosave has stored the field.
      form.querySelectorAll(".is-invalid").forEach(function (field) {
        if (!field.name || except[field.name] || field.hasAttribute("data-autosave-invalid")) return;
        field.classList.remove("is-invalid");
        field.removeAttribute("aria-invalid");
        if (!field.id) return;
        form.querySelectorAll('[id^="error_"][id$="_' + field.id + '"]').forEach(function (message) {
          message.hidden = true;
        });
      });
    }

    function messageBox(id, messages) {
      var box = document.createElement("div");
      box.className = "invalid-feedback d-block";
      box.id = id;
      box.setAttribute("data-autosave-error", "");
      box.textContent = messages.join(" ");
      return box;
    }

    function showErrors(errors) {
      lastErrors = errors || {};
      clearErrors();
      Object.keys(lastErrors).forEach(function (name) {
        var messages = lastErrors[name];
        var fields = fieldsNamed(name);
        if (fields.length) {
          var field = fields[0];
          if (stillTyping(field)) return;
          var id = (field.id || name) + "-autosave-error";
          var box = messageBox(id, messages);
          if (field.type === "radio" || field.type === "checkbox") {
            (field.closest("fieldset") || field.parentNode).appendChild(box);
          } else {
            field.insertAdjacentElement("afterend", box);
          }
          fields.forEach(function (each) {
            each.classList.add("is-invalid");
            each.setAttribute("aria-invalid", "true");
            each.setAttribute("data-autosave-invalid", "");
            var described = each.getAttribute("aria-describedby");
            each.setAttribute("aria-describedby", (described ? described + " " : "") + id);
          });
          return;
        }
        // A table's or a row's own message, or the form's.
        var place = null;
        if (name !== "__all__") {
          var first = form.querySelector('[name^="' + name + '-"]');
          place = (first && rowOf(first)) || form.querySelector("#" + CSS.escape(name));
        }
        var box = messageBox(name + "-autosave-error", messages);
        box.className = "alert alert-danger py-2";
        var legend = place && place.querySelector(":scope > legend");
        if (legend) legend.insertAdjacentElement("afterend", box);
        else if (place) place.insertBefore(box, place.firstChild);
        else form.insertBefore(box, form.firstChild);
      });
      clearServerErrors(lastErrors);
    }

    form.addEventListener("focusout", function () {
      // Show what was held back while the row was being filled in.
      window.setTimeout(function () {
        if (Object.keys(lastErrors).length) showErrors(lastErrors);
      }, 0);
    });

    // --- sending ------------------------------------------------------------------------

    function unsaved() {
      return edits !== confirmed; // refused fields too: their text is only here
    }

    function unsent() {
      // Changes the server has not answered about yet (sending refused fields again
      // would only bring the same messages back).
      return edits !== answeredUpTo;
    }

    function schedule(delay) {
      if (!url || stopped) return;
      window.clearTimeout(timer);
      var now = Date.now();
      if (typingSince === null) typingSince = now;
      var wait = Math.min(delay, Math.max(0, typingSince + MAX_WAIT - now));
      timer = window.setTimeout(save, wait);
    }

    function retryLater() {
      retryDelay = Math.min(retryDelay ? retryDelay * 2 : 2000, MAX_RETRY);
      window.clearTimeout(retryTimer);
      retryTimer = window.setTimeout(save, retryDelay);
    }

    function offline() {
      unreachable = true;
      say(
        gettext("No connection — the text is safe in this browser. It will be saved when the connection is back."),
        "warning"
      );
      retryLater();
    }

    function save() {
      window.clearTimeout(timer);
      window.clearTimeout(retryTimer);
      timer = null;
      typingSince = null;
      if (!url || stopped || inFlight || !unsent()) return;
      if (navigator.onLine === false) {
        offline();
        return;
      }
      inFlight = true;
      var sent = edits;
      var data = new FormData(form);
      var token = cookie("csrftoken");
      if (token) data.set("csrfmiddlewaretoken", token); // the current one, after a new sign-in
      say(gettext("Saving…"), "busy");
      fetch(url, {
        method: "POST",
        body: data,
        credentials: "same-origin",
        headers: { Accept: "application/json", "X-Requested-With": "XMLHttpRequest" },
      })
        .then(function (response) {
          return response.json().then(
            function (body) { return { code: response.status, body: body }; },
            function () { return { code: response.status, body: null }; }
          );
        })
        .then(function (answer) {
          inFlight = false;
          // The next save (a held press of a button too) is based on what was just stored.
          if (answer.body && answer.body.revision !== undefined && base) {
            base.value = String(answer.body.revision);
          }
          if (releaseHeldSubmit()) return;
          answered(answer.code, answer.body, sent);
        })
        .catch(function () {
          inFlight = false;
          if (releaseHeldSubmit()) return;
          offline();
        });
    }

    function answered(code, body, sent) {
      unreachable = false;
      if (!body || !body.state) {
        say(gettext("Could not save just now. Trying again — the text is safe in this browser."), "warning");
        retryLater();
        return;
      }
      retryDelay = 0;
      if (body.state === "conflict") {
        // Someone else saved this section meanwhile: nothing more is sent until the
        // person has seen both versions (the save button shows them).
        stopped = true;
        write();
        say(body.message, "error");
        return;
      }
      if (body.state === "signed_out" || body.state === "refused") {
        say(body.message + " " + gettext("The text is safe in this browser."), "error");
        if (body.state === "refused") {
          stopped = true;
          confirmed = edits; // nothing more can be stored: don't hold people on the page
        }
        return;
      }
      answeredUpTo = sent;
      if (body.version) version = body.version;
      if (typeof body.note === "string") note = body.note;
      if (body.saved_at) savedAt = body.saved_at;
      showErrors(body.errors);
      if (body.state === "saved") {
        if (sent === edits) {
          confirmed = edits;
          forget();
        } else {
          write(); // typed meanwhile: the copy stays, on the new version
        }
        saidSaved();
      } else {
        write();
        say(
          savedAt
            ? interpolate(
                gettext("Saved at %s, except the marked fields: please correct them. Their text is kept in this browser."),
                [savedAt]
              )
            : gettext("Not saved: please correct the marked fields. Their text is kept in this browser."),
          "warning"
        );
        if (note) status.textContent += " " + note;
      }
      if (edits !== sent) schedule(DELAY);
    }

    function edited(event) {
      if (restoring || submitting) return;
      if (event && event.target && !event.target.name) return;
      edits += 1;
      write();
      if (url) {
        if (!stopped) schedule(DELAY);
      } else {
        say(gettext("Not saved yet: press the save button. Until then, what you typed is kept in this browser."), "warning");
      }
    }

    form.addEventListener("input", edited);
    form.addEventListener("change", edited);
    form.addEventListener("formset:added", edited);
    var heldSubmitter; // a press of a button that waits for the autosave on its way
    form.addEventListener("submit", function (event) {
      window.clearTimeout(timer);
      window.clearTimeout(retryTimer);
      if (inFlight) {
        // One write at a time: the button's save goes once the autosave has answered.
        event.preventDefault();
        heldSubmitter = event.submitter || null;
        return;
      }
      submitting = true;
      write(); // if the answer never comes, the copy is here on the way back
    });

    function releaseHeldSubmit() {
      if (heldSubmitter === undefined) return false;
      var submitter = heldSubmitter;
      heldSubmitter = undefined;
      delete form.dataset.sent; // app.js's once-only guard saw the held press
      if (submitter) form.requestSubmit(submitter);
      else form.requestSubmit();
      return true;
    }
    window.addEventListener("online", function () {
      if (unsent()) save();
    });
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "visible" && unsent() && !inFlight) save();
    });
    window.addEventListener("beforeunload", function (event) {
      if (submitting || !unsaved()) return;
      if (url && !inFlight && unsent()) save();
      event.preventDefault();
      event.returnValue = ""; // the browser shows its own "leave the page?" question
    });
    window.addEventListener("pagehide", function () {
      // Leaving anyway: one last try, without waiting for the answer (not when the
      // connection is known to be down: then the copy here waits for the next visit).
      if (!url || submitting || stopped || unreachable || !unsent()) return;
      if (!navigator.sendBeacon) return;
      var data = new FormData(form);
      var token = cookie("csrftoken");
      if (token) data.set("csrfmiddlewaretoken", token);
      navigator.sendBeacon(url, data);
    });

    // --- on arrival ---------------------------------------------------------------------

    say(
      url
        ? gettext("Saved automatically as you type.")
        : gettext("This page is saved with its button. Until then, what you type is kept in this browser."),
      ""
    );
    if (url && note) say(gettext("Saved automatically as you type.") + " " + note, "warning");

    var copy = read();
    if (copy && !differs(copy.fields, snapshot())) {
      forget(); // the page already shows everything the copy holds
    } else if (copy) {
      var typed = clock(new Date(copy.at));
      if (!copy.base || copy.base === version) {
        apply(copy.fields);
        edited();
        notice(
          interpolate(
            gettext("Restored from this browser: text typed at %s that had not reached the server yet."),
            [typed]
          )
        );
      } else {
        // The draft was saved since (on another device, or with a button): ask.
        notice(
          interpolate(
            gettext("This browser keeps text typed at %s that was never saved, but the draft has been saved since then (perhaps on another device)."),
            [typed]
          ),
          [
            { label: gettext("Use the text from this browser"), primary: true, close: true,
              run: function () { apply(copy.fields); edited(); } },
            { label: gettext("Keep the saved draft"), close: true,
              run: function () { forget(); } },
          ]
        );
      }
    }
    if (form.hasAttribute("data-autosave-dirty")) edited(); // a refused press of a button
    // Two versions of a section to choose from: start there (a screen reader reads it first).
    var conflict = form.querySelector("[data-section-conflict] [tabindex='-1']");
    if (conflict) conflict.focus();
  }
})();
