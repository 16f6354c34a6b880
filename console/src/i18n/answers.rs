//! Texts of automatic answers: their screen, the visitor card and the report.

use protocol::Locale;

browser::texts! {
    pub struct AnswerTexts {
        screen: "Automatic answers" / "Автоответы",
        hint: "When a visitor's first message asks one of these questions, the widget answers at once and asks whether it helped. \"Talk to a person\", or writing again, sends the chat to operators as usual." / "Если первое сообщение посетителя задаёт один из этих вопросов, виджет сразу отвечает и спрашивает, помог ли ответ. «Позвать оператора» или новое сообщение передают чат операторам, как обычно.",
        none: "No automatic answers yet." / "Автоответов пока нет.",
        question: "Question" / "Вопрос",
        keywords: "Keywords, separated by commas" / "Ключевые слова через запятую",
        keywords_hint: "Any one of them, in any form, is enough: \"delivery\" also finds \"deliveries\"; a phrase needs all its words." / "Достаточно любого из них в любой форме: «доставка» найдёт и «доставку»; для фразы нужны все её слова.",
        phrasings: "How visitors ask it, one question per line" / "Как спрашивают посетители, по вопросу в строке",
        answer: "Answer" / "Ответ",
        keywords_column: "Keywords" / "Ключевые слова",
        add: "Add the answer" / "Добавить ответ",
        new_answer: "New automatic answer" / "Новый автоответ",
        editing: "Edit the answer" / "Изменить ответ",
        save: "Save the answer" / "Сохранить ответ",
        try_label: "Try a visitor's message" / "Проверьте сообщение посетителя",
        try_input: "A visitor writes" / "Посетитель пишет",
        try_match: "Answered automatically: " / "Ответит автоответ: ",
        try_none: "No answer matches: the chat goes to operators." / "Ни один ответ не подходит: чат получат операторы.",
        answered: "Answered automatically" / "Отвечено автоматически",
        helpful: "Found it helpful" / "Ответ помог",
        handed_over: "Then asked for a person" / "Затем позвали оператора",
        card: "Automatic answer" / "Автоответ",
        badge: "answered automatically" / "ответил автоответ",
        offered: "waiting for the visitor's verdict" / "ждёт оценки посетителя",
        helped: "helped the visitor" / "помог посетителю",
        handed: "the visitor asked for a person" / "посетитель позвал оператора",
    }
}

pub fn answer_texts(locale: Locale) -> &'static AnswerTexts {
    AnswerTexts::of(locale)
}
