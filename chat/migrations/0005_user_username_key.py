"""Usernames are unique regardless of case and follow a rule (3 to 30 ASCII letters, digits,
`_ . -`). Every existing name that follows it gets its key (its lower case), the oldest account
first; a name outside the rule, or one differing only by case from an older account's, keeps
no key: it keeps working until renamed. The count is logged ("usernames outside the rule")."""

import logging
import re

from django.db import migrations, models

logger = logging.getLogger("parley.migrations")

# The rule as it stood when this migration was written (chat.models.USERNAME_RULE).
RULE = re.compile(r"[A-Za-z0-9_.-]{3,30}")


def username_keys_fill(apps, schema_editor) -> int:
    User = apps.get_model("chat", "User")
    taken: set[str] = set()
    outside = []
    for user in User.objects.order_by("pk").only("pk", "username").iterator():
        key = user.username.lower()
        if RULE.fullmatch(user.username) and key not in taken:
            taken.add(key)
            User.objects.filter(pk=user.pk).update(username_key=key)
        else:
            outside.append(user.pk)
    logger.warning(
        "usernames outside the rule: they keep working until renamed",
        extra={"count": len(outside), "user_ids": outside[:100]},
    )
    return len(outside)


class Migration(migrations.Migration):
    dependencies = [
        ("chat", "0004_repair_inverted_rooms"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="username_key",
            field=models.CharField(blank=True, editable=False, max_length=30, null=True, unique=True),
        ),
        migrations.RunPython(username_keys_fill, migrations.RunPython.noop),
    ]
