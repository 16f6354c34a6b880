//! E-mails to operators about their own account, in their language.

use crate::settings::Locale;

/// The "forgot password" e-mail: subject and plain-text body.
pub fn password_reset(locale: Locale, name: &str, link: &str) -> (String, String) {
    match locale {
        Locale::En => (
            "Reset your password".to_owned(),
            format!(
                "Hello, {name}!\n\nSomeone (we hope you) asked to reset the password of your \
                 operator account. To choose a new one, open this link within an hour:\n\n{link}\n\n\
                 The link works once. Using it signs your account out everywhere.\n\
                 If you did not ask for this, ignore this e-mail: your password stays as it is.\n"
            ),
        ),
        Locale::Ru => (
            "Сброс пароля".to_owned(),
            format!(
                "Здравствуйте, {name}!\n\nКто-то (надеемся, вы) запросил сброс пароля вашей \
                 учётной записи оператора. Чтобы задать новый, откройте ссылку в течение часа:\n\n\
                 {link}\n\nСсылка действует один раз. После смены пароля все ваши сеансы будут \
                 завершены.\nЕсли вы этого не запрашивали, просто удалите письмо: пароль не изменится.\n"
            ),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_languages_carry_the_link_and_the_name() {
        for locale in [Locale::En, Locale::Ru] {
            let (subject, body) = password_reset(locale, "Анна", "https://x/console/#reset=abc");
            assert!(!subject.is_empty());
            assert!(body.contains("https://x/console/#reset=abc"), "{body}");
            assert!(body.contains("Анна"));
        }
        assert_ne!(
            password_reset(Locale::En, "a", "l").0,
            password_reset(Locale::Ru, "a", "l").0
        );
    }
}
