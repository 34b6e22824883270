"""The pages' words in Simplified Chinese (the default) and English.

Every string a page shows comes from `CATALOG` by key, so switching language
translates everything; a key missing in one language fails the test that compares
the catalogs. Names of firms, experts and needs are data and are shown as stored.

>>> translate("sign_in", "zh"), translate("sign_in", "en")
('登录', 'Sign in')
>>> pick_language("en"), pick_language(None), pick_language("fr")
('en', 'zh', 'zh')
"""

from __future__ import annotations

LANGUAGES = ("zh", "en")
DEFAULT_LANGUAGE = "zh"

CATALOG: dict[str, dict[str, str]] = {
    "zh": {
        "app_name": "对接", "app_tagline": "技术需求与专家、院所、政策的精准对接",
        "sign_in": "登录", "sign_out": "退出", "username": "用户名", "password": "密码",
        "signed_in_as": "当前用户", "language": "语言", "switch_language": "English",
        "role_organiser": "组织方", "role_enterprise": "企业", "role_expert": "专家",
        "home": "首页", "needs": "需求", "events": "对接活动", "reviews": "待核对机构",
        "imports": "导入", "dashboard": "工作台", "my_needs": "我的需求",
        "my_meetings": "我的会谈", "error": "出错了", "back": "返回",
        "not_found": "没有找到这个页面", "forbidden": "没有权限",
        "session_ended": "登录已过期，请重新登录",
        "wrong_login": "用户名或密码不正确",
        "stale_form": "表单已过期，请刷新页面后重试",
        "welcome": "欢迎使用对接", "health_ok": "服务正常",
    },
    "en": {
        "app_name": "Duijie", "app_tagline": "Matching technology needs to experts, institutes "
                                              "and programmes",
        "sign_in": "Sign in", "sign_out": "Sign out", "username": "Username",
        "password": "Password", "signed_in_as": "Signed in as", "language": "Language",
        "switch_language": "中文",
        "role_organiser": "Organiser", "role_enterprise": "Enterprise", "role_expert": "Expert",
        "home": "Home", "needs": "Needs", "events": "Docking events",
        "reviews": "Organisations to check", "imports": "Imports", "dashboard": "Dashboard",
        "my_needs": "My needs", "my_meetings": "My meetings", "error": "Something went wrong",
        "back": "Back", "not_found": "This page does not exist", "forbidden": "Not allowed",
        "session_ended": "Your session has ended: please sign in again",
        "wrong_login": "Wrong username or password",
        "stale_form": "This form is out of date: reload the page and try again",
        "welcome": "Welcome to Duijie", "health_ok": "Service is up",
    },
}


def translate(key: str, lang: str = DEFAULT_LANGUAGE) -> str:
    """The text of `key` in `lang`; the key itself if it is missing (the test catches it)."""
    return CATALOG.get(lang, CATALOG[DEFAULT_LANGUAGE]).get(key, key)


def pick_language(chosen: str | None) -> str:
    """The page language: the user's choice (cookie or ?lang=), else Chinese.

    The browser's Accept-Language is not consulted: the office works in Chinese
    whatever language a shared computer's browser was installed in.
    """
    return chosen if chosen in LANGUAGES else DEFAULT_LANGUAGE
