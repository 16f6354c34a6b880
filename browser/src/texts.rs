//! Tables of texts in English and Russian, each text written once with both languages beside
//! it, so a text cannot exist in one language only and the field list is not kept three times.

/// Declares a table of texts: `name: "English" / "Русский",` per text. Makes the struct (one
/// `&'static str` field per text), its `EN` and `RU` tables and `of(locale)`.
///
/// ```
/// browser::texts! {
///     pub struct Greeting {
///         hello: "Hello" / "Здравствуйте",
///     }
/// }
/// assert_eq!(Greeting::of(protocol::Locale::Ru).hello, "Здравствуйте");
/// ```
#[macro_export]
macro_rules! texts {
    (
        $(#[$meta:meta])*
        $vis:vis struct $name:ident {
            $($(#[$field_meta:meta])* $field:ident: $en:literal / $ru:literal,)*
        }
    ) => {
        $(#[$meta])*
        $vis struct $name {
            $($(#[$field_meta])* pub $field: &'static str,)*
        }

        impl $name {
            pub const EN: $name = $name { $($field: $en,)* };
            pub const RU: $name = $name { $($field: $ru,)* };

            /// The table of this language.
            pub fn of(locale: ::protocol::Locale) -> &'static $name {
                match locale {
                    ::protocol::Locale::En => &Self::EN,
                    ::protocol::Locale::Ru => &Self::RU,
                }
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use protocol::Locale;

    crate::texts! {
        /// A table for the test.
        struct Sample {
            /// The first text.
            hello: "Hello" / "Здравствуйте",
            bye: "Bye" / "До свидания",
        }
    }

    #[test]
    fn each_language_has_its_own_text_of_every_name() {
        assert_eq!(Sample::of(Locale::En).hello, "Hello");
        assert_eq!(Sample::of(Locale::Ru).hello, "Здравствуйте");
        assert_eq!(Sample::of(Locale::Ru).bye, "До свидания");
        assert_eq!(Sample::of(Locale::En).bye, "Bye");
    }
}
