from django.apps import AppConfig


class MyDataConfig(AppConfig):
    """个人信息权利 (SECURITY.md C28; 个人信息保护法 第四十四条至第四十六条): a person sees, exports and asks to
    correct the personal data the platform holds about them; the owning department reviews each request."""

    name = "ezhou_platform.mydata"
    label = "mydata"
    verbose_name = "个人信息查阅与更正"
    default_auto_field = "django.db.models.BigAutoField"
