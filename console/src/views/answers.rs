//! Automatic answers, kept by owners and admins: the list, one form to add or change an
//! answer, and a box that shows which answer a visitor's message would get (the relay's own
//! matching, run here).

use leptos::prelude::*;
use protocol::answers::{matching, AutoAnswer};

/// The form's fields, as typed.
#[derive(Clone, Default)]
struct Fields {
    question: String,
    keywords: String,
    phrasings: String,
    answer: String,
}

impl Fields {
    fn of(answer: &AutoAnswer) -> Self {
        Fields {
            question: answer.question.clone(),
            keywords: answer.keywords.join(", "),
            phrasings: answer.phrasings.join("\n"),
            answer: answer.answer.clone(),
        }
    }

    /// The body of a POST or PUT; the relay tidies and checks it.
    fn body(&self) -> String {
        let answer = AutoAnswer {
            id: String::new(),
            question: self.question.clone(),
            keywords: self.keywords.split(',').map(str::to_owned).collect(),
            phrasings: self.phrasings.lines().map(str::to_owned).collect(),
            answer: self.answer.clone(),
        };
        serde_json::to_string(&answer).unwrap_or_default()
    }
}

#[component]
pub fn Answers() -> impl IntoView {
    let session = crate::state::use_session();
    let texts = move || session.answer_texts();
    let answers = RwSignal::new(Vec::<AutoAnswer>::new());
    let error = RwSignal::new(None::<String>);
    let reload = move || {
        session.call_then("GET", "/auto-answers".into(), None, error, move |body| {
            answers.set(serde_json::from_str(&body).unwrap_or_default())
        })
    };
    reload();
    let fields = RwSignal::new(Fields::default());
    // The answer being changed; `None` while adding a new one.
    let editing = RwSignal::new(None::<String>);
    let field = |get: fn(&Fields) -> String, set: fn(&mut Fields, String)| {
        (
            move || fields.with(get),
            move |e: leptos::ev::Event| fields.update(|f| set(f, event_target_value(&e))),
        )
    };
    let (question, set_question) = field(|f| f.question.clone(), |f, v| f.question = v);
    let (keywords, set_keywords) = field(|f| f.keywords.clone(), |f, v| f.keywords = v);
    let (phrasings, set_phrasings) = field(|f| f.phrasings.clone(), |f, v| f.phrasings = v);
    let (answer, set_answer) = field(|f| f.answer.clone(), |f, v| f.answer = v);
    let submit = move |e: leptos::ev::SubmitEvent| {
        e.prevent_default();
        let body = Some(fields.with_untracked(Fields::body));
        let (method, path) = match editing.get_untracked() {
            Some(id) => ("PUT", format!("/auto-answers/{id}")),
            None => ("POST", "/auto-answers".into()),
        };
        session.call_then(method, path, body, error, move |_| {
            fields.set(Fields::default());
            editing.set(None);
            reload();
        });
    };
    let remove = move |id: String| {
        let path = format!("/auto-answers/{id}");
        session.call_then("DELETE", path, None, error, move |_| reload())
    };
    let trial = RwSignal::new(String::new());
    let verdict = move || {
        let message = trial.get();
        if message.trim().is_empty() {
            return String::new();
        }
        answers.with(|list| match matching::best(list, &message) {
            Some(found) => format!("{}{}", texts().try_match, found.question),
            None => texts().try_none.to_owned(),
        })
    };
    view! {
        <main class="team answers">
            <h2>{move || texts().screen}</h2>
            <p class="muted">{move || texts().hint}</p>
            <p class="error" role="alert">{move || error.get()}</p>
            <Show when=move || !answers.with(Vec::is_empty)
                fallback=move || view! { <p class="muted">{move || texts().none}</p> }>
                <table>
                    <thead><tr>
                        <th scope="col">{move || texts().question}</th>
                        <th scope="col">{move || texts().keywords_column}</th>
                        <th scope="col">{move || texts().answer}</th>
                        <th scope="col"><span class="sr">{move || session.texts().actions}</span></th>
                    </tr></thead>
                    <tbody>
                        <For each=move || answers.get() key=|a| (a.id.clone(), a.answer.clone(), a.question.clone(), a.keywords.clone()) let:item>
                            {
                                let (id, subject) = (item.id.clone(), item.question.clone());
                                let chosen = item.clone();
                                view! {
                                    <tr>
                                        <td>{item.question.clone()}</td>
                                        <td>{item.keywords.join(", ")}</td>
                                        <td class="answer-text">{item.answer.clone()}</td>
                                        <td>
                                            <super::RowAction verb=|t| t.edit subject=subject.clone()
                                                on_press=move || {
                                                    fields.set(Fields::of(&chosen));
                                                    editing.set(Some(chosen.id.clone()));
                                                }/>
                                            " "
                                            <super::RowAction verb=|t| t.delete subject=subject
                                                on_press=move || remove(id.clone())/>
                                        </td>
                                    </tr>
                                }
                            }
                        </For>
                    </tbody>
                </table>
            </Show>
            <form class="add-operator" on:submit=submit aria-labelledby="answer-form-title">
                <h3 id="answer-form-title">
                    {move || if editing.with(Option::is_some) { texts().editing } else { texts().new_answer }}
                </h3>
                <div class="field">
                    <label for="answer-question">{move || texts().question}</label>
                    <input id="answer-question" type="text" required maxlength="200"
                        prop:value=question on:input=set_question/>
                </div>
                <div class="field">
                    <label for="answer-keywords">{move || texts().keywords}</label>
                    <input id="answer-keywords" type="text" aria-describedby="answer-keywords-hint"
                        prop:value=keywords on:input=set_keywords/>
                    <small id="answer-keywords-hint" class="muted">{move || texts().keywords_hint}</small>
                </div>
                <div class="field">
                    <label for="answer-phrasings">{move || texts().phrasings}</label>
                    <textarea id="answer-phrasings" rows="3"
                        prop:value=phrasings on:input=set_phrasings></textarea>
                </div>
                <div class="field">
                    <label for="answer-text">{move || texts().answer}</label>
                    <textarea id="answer-text" rows="4" required maxlength="2000"
                        prop:value=answer on:input=set_answer></textarea>
                </div>
                <button type="submit" class="primary">
                    {move || if editing.with(Option::is_some) { texts().save } else { texts().add }}
                </button>
                <Show when=move || editing.with(Option::is_some)>
                    " "
                    <button type="button" class="secondary" on:click=move |_| {
                        editing.set(None);
                        fields.set(Fields::default());
                    }>{move || session.texts().cancel}</button>
                </Show>
            </form>
            <section class="section" aria-labelledby="answer-try-title">
                <h3 id="answer-try-title">{move || texts().try_label}</h3>
                <div class="field">
                    <label for="answer-try">{move || texts().try_input}</label>
                    <input id="answer-try" type="text" bind:value=trial/>
                </div>
                <p class="try-result" role="status">{verdict}</p>
            </section>
        </main>
    }
}
