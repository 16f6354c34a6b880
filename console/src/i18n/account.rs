//! Texts of the operator's own account and its safety: signing in, passwords, sessions.

use protocol::Locale;

browser::texts! {
    pub struct AccountTexts {
        forgot_password: "Forgot password?" / "Забыли пароль?",
        reset_title: "Reset the password" / "Сброс пароля",
        reset_intro: "Enter the e-mail you sign in with: we will send a link to choose a new password." / "Укажите почту, с которой входите: мы пришлём ссылку, чтобы задать новый пароль.",
        send_link: "Send the link" / "Отправить ссылку",
        link_sent: "If this address has an account, the link is on its way. It works for an hour, once." / "Если у этого адреса есть учётная запись, ссылка уже в пути. Она действует час и один раз.",
        back_to_sign_in: "Back to sign-in" / "Вернуться ко входу",
        new_password: "New password (at least 8 characters)" / "Новый пароль (не короче 8 символов)",
        repeat_password: "Repeat the new password" / "Повторите новый пароль",
        set_password: "Save the password" / "Сохранить пароль",
        passwords_differ: "The two passwords differ." / "Пароли не совпадают.",
        password_set: "The password is changed and every session of the account is signed out. Sign in with the new one." / "Пароль изменён, все сеансы учётной записи завершены. Войдите с новым паролем.",
        bad_link: "This link is not valid: it was used, it expired or it is mistyped. Ask for a new one." / "Ссылка недействительна: ею уже воспользовались, истёк срок или она искажена. Запросите новую.",
        too_many: "Too many attempts. Try again in" / "Слишком много попыток. Повторите через",
        seconds: "s" / "с",
        change_password: "Change password" / "Сменить пароль",
        current_password: "Current password" / "Текущий пароль",
        password_changed: "Password changed. Your other sessions are signed out." / "Пароль изменён. Другие ваши сеансы завершены.",
        sign_out_everywhere: "Sign out everywhere" / "Завершить все сеансы",
        signed_out_everywhere: "is signed out on every device." / "— все сеансы завершены.",
    }
}

pub fn account_texts(locale: Locale) -> &'static AccountTexts {
    AccountTexts::of(locale)
}
