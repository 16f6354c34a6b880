//! Texts of the operator's own account and its safety: signing in, passwords, sessions.

use protocol::Locale;

pub struct AccountTexts {
    pub forgot_password: &'static str,
    pub reset_title: &'static str,
    pub reset_intro: &'static str,
    pub send_link: &'static str,
    pub link_sent: &'static str,
    pub back_to_sign_in: &'static str,
    pub new_password: &'static str,
    pub repeat_password: &'static str,
    pub set_password: &'static str,
    pub passwords_differ: &'static str,
    pub password_set: &'static str,
    pub bad_link: &'static str,
    pub too_many: &'static str,
    pub seconds: &'static str,
    pub change_password: &'static str,
    pub current_password: &'static str,
    pub password_changed: &'static str,
    pub sign_out_everywhere: &'static str,
    pub signed_out_everywhere: &'static str,
}

pub fn account_texts(locale: Locale) -> &'static AccountTexts {
    match locale {
        Locale::En => &EN,
        Locale::Ru => &RU,
    }
}

static EN: AccountTexts = AccountTexts {
    forgot_password: "Forgot password?",
    reset_title: "Reset the password",
    reset_intro: "Enter the e-mail you sign in with: we will send a link to choose a new password.",
    send_link: "Send the link",
    link_sent: "If this address has an account, the link is on its way. It works for an hour, once.",
    back_to_sign_in: "Back to sign-in",
    new_password: "New password (at least 8 characters)",
    repeat_password: "Repeat the new password",
    set_password: "Save the password",
    passwords_differ: "The two passwords differ.",
    password_set: "The password is changed and every session of the account is signed out. Sign in with the new one.",
    bad_link: "This link is not valid: it was used, it expired or it is mistyped. Ask for a new one.",
    too_many: "Too many attempts. Try again in",
    seconds: "s",
    change_password: "Change password",
    current_password: "Current password",
    password_changed: "Password changed. Your other sessions are signed out.",
    sign_out_everywhere: "Sign out everywhere",
    signed_out_everywhere: "is signed out on every device.",
};

static RU: AccountTexts = AccountTexts {
    forgot_password: "Забыли пароль?",
    reset_title: "Сброс пароля",
    reset_intro: "Укажите почту, с которой входите: мы пришлём ссылку, чтобы задать новый пароль.",
    send_link: "Отправить ссылку",
    link_sent: "Если у этого адреса есть учётная запись, ссылка уже в пути. Она действует час и один раз.",
    back_to_sign_in: "Вернуться ко входу",
    new_password: "Новый пароль (не короче 8 символов)",
    repeat_password: "Повторите новый пароль",
    set_password: "Сохранить пароль",
    passwords_differ: "Пароли не совпадают.",
    password_set: "Пароль изменён, все сеансы учётной записи завершены. Войдите с новым паролем.",
    bad_link: "Ссылка недействительна: ею уже воспользовались, истёк срок или она искажена. Запросите новую.",
    too_many: "Слишком много попыток. Повторите через",
    seconds: "с",
    change_password: "Сменить пароль",
    current_password: "Текущий пароль",
    password_changed: "Пароль изменён. Другие ваши сеансы завершены.",
    sign_out_everywhere: "Завершить все сеансы",
    signed_out_everywhere: "— все сеансы завершены.",
};
