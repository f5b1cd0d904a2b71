"""Loading WeasyPrint's system libraries without a C compiler writing to /tmp.

WeasyPrint tries several names for each library (Pango, HarfBuzz, fontconfig…; Windows',
macOS's and Linux's). For a name that is not a file, cffi asks `ctypes.util.find_library`,
which on Linux, when `ldconfig -p` does not list it, compiles and links a test program with
gcc in a temporary file — on any machine that has a compiler, for every such name, in every
process that imports WeasyPrint (web processes and task workers): files written to /tmp
although nothing needs them (`make test-scale-out` found them). The libraries are found by
their file names anyway (libpango-1.0.so.0), or are optional (harfbuzz-vector), so the
compiler is left out while WeasyPrint loads; `ldconfig` and the file names still work.
"""

import ctypes.util
from contextlib import contextmanager


@contextmanager
def libraries_found_without_compiler():
    find_with_compiler = getattr(ctypes.util, "_findLib_gcc", None)
    if find_with_compiler is None:  # not Linux, or a Python that does it differently
        yield
        return
    ctypes.util._findLib_gcc = lambda name: None
    try:
        yield
    finally:
        ctypes.util._findLib_gcc = find_with_compiler


with libraries_found_without_compiler():
    import weasyprint  # noqa: F401 — loads its libraries once, for the whole process
