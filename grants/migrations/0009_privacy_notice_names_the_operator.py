"""The privacy notice now opens with the operator's own statement (the programme profile):
calls that kept the old default lose its nameless first sentence, so they don't say it twice."""

from django.db import migrations, models

OLD_OPENING = "Administratorem Twoich danych osobowych jest operator programu. "
NEW_OPENING = "Przetwarzamy Twoje dane osobowe, aby "
OLD_CONTINUATION = "Przetwarzamy je, aby "


def drop_the_nameless_controller(apps, schema_editor):
    GrantCall = apps.get_model("grants", "GrantCall")
    for call in GrantCall.objects.filter(privacy_notice__startswith=OLD_OPENING).only(
        "pk", "privacy_notice"
    ):
        rest = call.privacy_notice.removeprefix(OLD_OPENING)
        if rest.startswith(OLD_CONTINUATION):
            rest = NEW_OPENING + rest.removeprefix(OLD_CONTINUATION)
        GrantCall.objects.filter(pk=call.pk).update(privacy_notice=rest)


class Migration(migrations.Migration):

    dependencies = [
        ('grants', '0008_bounded_texts'),
    ]

    operations = [
        migrations.AlterField(
            model_name='grantcall',
            name='privacy_notice',
            field=models.TextField(default='Przetwarzamy Twoje dane osobowe, aby przeprowadzić nabór, ocenić wniosek, wydać decyzję i rozliczyć grant (art. 6 ust. 1 lit. b, c i e RODO). Dane przechowujemy przez okres trwania programu i 5 lat po jego zakończeniu. Masz prawo dostępu do danych, ich sprostowania, usunięcia lub ograniczenia przetwarzania, przenoszenia danych oraz wniesienia skargi do Prezesa UODO. Podanie danych jest dobrowolne, ale niezbędne do złożenia wniosku. Recenzenci widzą treść wniosku, ale nie Twoje dane kontaktowe.', help_text='Shown to applicants before they submit; the text they accepted is kept with the application.', max_length=10000, verbose_name='privacy notice (RODO information clause)'),
        ),
        migrations.RunPython(drop_the_nameless_controller, migrations.RunPython.noop),
    ]
