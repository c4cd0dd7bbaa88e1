from django.apps import AppConfig


class SecurityConfig(AppConfig):
    """Security mechanisms of the platform (SECURITY.md): login throttling and CAPTCHA, TOTP, password
    expiry and history, 三员分立, the demo guard, request ids, encrypted fields, uploads, alerts, the code
    manifest, the personal-data inventory, consent, retention, backups. docs/security.md maps each check."""

    name = "ezhou_platform.security"
    label = "security"
    verbose_name = "安全管理"
    default_auto_field = "django.db.models.BigAutoField"
    # Admin pages: the security administrator manages accounts' security; the auditor reads.
    admin_access = {
        "": {"security_admin", "auditor", "admin"},
        "alert": {"security_admin", "auditor"},
        "consentnotice": {"admin", "auditor"},
        "secondpersonrule": {"admin", "auditor", "security_admin"},
    }

    def ready(self) -> None:
        from ezhou_platform.common.audit.services import PII_VIEW_HOOKS, register_action

        from .alerts import check_mass_views

        if check_mass_views not in PII_VIEW_HOOKS:
            PII_VIEW_HOOKS.append(check_mass_views)

        from . import checks, signals

        for code, label in (
            ("platform.user.role_change", "变更用户角色"),
            ("procedures.second_person.configure", "设置双人复核"),
            ("platform.user.password_reset", "重置用户密码"),
            ("platform.user.password_change", "修改本人密码"),
            ("platform.user.mfa_enrol", "绑定动态口令设备"),
            ("platform.user.mfa_reset", "解绑动态口令设备"),
            ("platform.user.mfa_verify", "动态口令验证"),
            ("platform.user.disable_idle", "停用长期未登录账户"),
            ("platform.user.bootstrap", "初始化三员账户"),
            ("platform.parameter.approve", "批准政策参数取值"),
            ("platform.parameter.reject", "退回政策参数取值"),
            ("platform.second_person.set", "设置双人复核规则"),
            ("security.alert.raise", "安全告警"),
            ("security.alert.ack", "确认安全告警"),
            ("security.manifest.check", "程序完整性校验"),
            ("security.keys.rotate", "轮换字段加密密钥"),
            ("security.retention.run", "到期个人信息清理"),
            ("security.backup.create", "备份数据库"),
            ("security.backup.restore", "恢复数据库"),
            ("security.upload.accept", "接收上传文件"),
            ("security.upload.reject", "拒收上传文件"),
            ("security.upload.download", "下载上传文件"),
            ("security.consent.record", "记录告知确认"),
            ("security.notice.publish", "发布个人信息处理告知"),
            ("auth.captcha_failed", "验证码错误"),
            ("auth.ip_throttled", "来源地址登录受限"),
        ):
            register_action(code, label)
        signals.connect()
        checks.register()
