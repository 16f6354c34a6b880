//! Everything in the window besides the conversation: contact form, offline form, department
//! choice, rating survey, the menu with transcript and call-back forms, the invitation teaser.
//! Fields are checked with the same validators the relay uses, with messages in the
//! visitor's language.

use super::{initial, input_value};
use crate::chat::{Chat, Note, Panel};
use leptos::prelude::*;
use protocol::conversation::phone;
use protocol::settings::{ContactFormMode, FieldRule};
use protocol::{ContactInfo, ConversationCommand};

/// One labelled input with its error message wired for screen readers.
#[component]
fn Field(
    id: &'static str,
    label: Signal<String>,
    kind: &'static str,
    value: RwSignal<String>,
    error: RwSignal<Option<&'static str>>,
    #[prop(default = false)] required: bool,
    #[prop(default = "off")] autocomplete: &'static str,
) -> impl IntoView {
    let error_id = format!("{id}-error");
    let described = error_id.clone();
    view! {
        <div class="field">
            <label for=id>{label}</label>
            <input
                id=id
                type=kind
                autocomplete=autocomplete
                required=required
                aria-invalid=move || error.with(Option::is_some).to_string()
                aria-describedby=move || error.with(Option::is_some).then(|| described.clone())
                prop:value=move || value.get()
                on:input=move |e| {
                    value.set(input_value(&e));
                    error.set(None);
                }
            />
            <Show when=move || error.with(Option::is_some)>
                <p class="field-error" id=error_id.clone()>{move || error.get()}</p>
            </Show>
        </div>
    }
}

/// The consent checkbox with the site's policy link, while the site asks for one and the
/// visitor has not agreed; `agreed` follows the box, `error` says it must be ticked.
#[component]
fn ConsentBox(
    chat: Chat,
    id: &'static str,
    agreed: RwSignal<bool>,
    error: RwSignal<Option<&'static str>>,
) -> impl IntoView {
    let error_id = format!("{id}-error");
    let described = error_id.clone();
    move || {
        chat.consent_needed().map(|consent| {
            let words = chat.consent_words(&consent);
            let (described, error_id) = (described.clone(), error_id.clone());
            view! {
                <div class="field consent">
                    <input type="checkbox" id=id required
                        aria-invalid=move || error.with(Option::is_some).to_string()
                        aria-describedby=move || error.with(Option::is_some).then(|| described.clone())
                        prop:checked=move || agreed.get()
                        on:change=move |e| {
                            agreed.set(event_target_checked(&e));
                            error.set(None);
                        }/>
                    <label for=id>{format!("{words} ({})", chat.texts().required)}</label>
                    " "
                    <a href=consent.policy_url.clone() target="_blank" rel="noopener noreferrer">
                        {move || chat.texts().privacy_policy}
                    </a>
                    <Show when=move || error.with(Option::is_some)>
                        <p class="field-error" id=error_id.clone()>{move || error.get()}</p>
                    </Show>
                </div>
            }
        })
    }
}

/// Whether the form may go as far as consent goes: the box is ticked, or none is asked for.
fn consent_ticked(
    chat: Chat,
    agreed: RwSignal<bool>,
    error: RwSignal<Option<&'static str>>,
) -> bool {
    let ticked = agreed.get_untracked() || chat.consent_needed().is_none();
    if !ticked {
        error.set(Some(chat.texts().consent_needed));
    }
    ticked
}

/// The form goes: its agreement (if one was asked for) goes first.
fn record_consent(chat: Chat) {
    if let Some(consent) = chat.consent_needed() {
        chat.agree(&consent);
    }
}

fn label_for(
    chat: Chat,
    base: fn(&'static crate::i18n::Texts) -> &'static str,
    rule: FieldRule,
) -> Signal<String> {
    Signal::derive(move || {
        let t = chat.texts();
        if rule == FieldRule::Required {
            format!("{} ({})", base(t), t.required)
        } else {
            base(t).to_owned()
        }
    })
}

/// A custom contact field with its value and error message.
type CustomInput = (
    protocol::settings::CustomField,
    RwSignal<String>,
    RwSignal<Option<&'static str>>,
);

#[component]
pub fn ContactForm(chat: Chat) -> impl IntoView {
    let settings = chat
        .config
        .with_untracked(|c| c.as_ref().map(|c| c.contact_form.clone()))
        .unwrap_or_default();
    let mode = chat.contact_form();
    let (name, email, phone_no) = (
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
    );
    let (name_err, email_err, phone_err) = (
        RwSignal::new(None),
        RwSignal::new(None),
        RwSignal::new(None),
    );
    let custom: Vec<CustomInput> = settings
        .custom
        .iter()
        .map(|f| (f.clone(), RwSignal::new(String::new()), RwSignal::new(None)))
        .collect();
    let custom_for_submit = custom.clone();
    let rules = settings.clone();
    let (agreed, consent_err) = (RwSignal::new(false), RwSignal::new(None));

    let submit = move |e: leptos::ev::SubmitEvent| {
        e.prevent_default();
        let t = chat.texts();
        let mut contact = ContactInfo {
            name: Some(name.get_untracked()),
            email: Some(email.get_untracked()),
            phone: Some(phone_no.get_untracked()),
            ..Default::default()
        };
        for (field, value, _) in &custom_for_submit {
            contact
                .custom
                .insert(field.id.clone(), value.get_untracked());
        }
        let mut ok = true;
        if protocol::validate::email_folded(&email.get_untracked(), browser::fold_case).is_err()
            && !email.get_untracked().trim().is_empty()
        {
            email_err.set(Some(t.bad_email));
            ok = false;
        }
        if phone(&phone_no.get_untracked()).is_err() && !phone_no.get_untracked().trim().is_empty()
        {
            phone_err.set(Some(t.bad_phone));
            ok = false;
        }
        let Ok(contact) = contact.normalized_folded(browser::fold_case) else {
            return;
        };
        for missing in rules.missing(&contact) {
            ok = false;
            match missing.as_str() {
                "name" => name_err.set(Some(t.required)),
                "email" => email_err.set(Some(t.required)),
                "phone" => phone_err.set(Some(t.required)),
                id => {
                    if let Some((_, _, err)) = custom_for_submit.iter().find(|(f, _, _)| f.id == id)
                    {
                        err.set(Some(t.required));
                    }
                }
            }
        }
        if consent_ticked(chat, agreed, consent_err) && ok {
            record_consent(chat);
            chat.state.update(|s| s.contact.merge(contact.clone()));
            chat.set_contact(contact);
            chat.contact_requested.set(false);
            chat.note(Note::Confirmation(t.contact_saved));
        }
    };
    let title = move || {
        if mode == Some(ContactFormMode::Before) {
            chat.texts().contact_before_title
        } else {
            chat.texts().contact_during_title
        }
    };
    view! {
        <form class="card contact" on:submit=submit aria-labelledby="cw-contact-title" novalidate>
            <h3 id="cw-contact-title">{title}</h3>
            {(settings.name != FieldRule::Hidden).then(|| view! {
                <Field id="cw-name" label=label_for(chat, |t| t.name, settings.name) kind="text" autocomplete="name"
                    value=name error=name_err required=settings.name == FieldRule::Required/>
            })}
            {(settings.email != FieldRule::Hidden).then(|| view! {
                <Field id="cw-email" label=label_for(chat, |t| t.email, settings.email) kind="email" autocomplete="email"
                    value=email error=email_err required=settings.email == FieldRule::Required/>
            })}
            {(settings.phone != FieldRule::Hidden).then(|| view! {
                <Field id="cw-phone" label=label_for(chat, |t| t.phone, settings.phone) kind="tel" autocomplete="tel"
                    value=phone_no error=phone_err required=settings.phone == FieldRule::Required/>
            })}
            {custom.into_iter().map(|(field, value, error)| {
                let id: &'static str = Box::leak(format!("cw-custom-{}", field.id).into_boxed_str());
                let label = field.label.clone();
                let required = field.required;
                let label = Signal::derive(move || if required { format!("{label} ({})", chat.texts().required) } else { label.clone() });
                view! { <Field id=id label=label kind="text" value=value error=error required=required/> }
            }).collect_view()}
            <ConsentBox chat id="cw-consent" agreed error=consent_err/>
            <div class="actions">
                <button type="submit" class="primary">
                    {move || if mode == Some(ContactFormMode::Before) { chat.texts().start_chat } else { chat.texts().submit }}
                </button>
                {(mode == Some(ContactFormMode::During)).then(|| view! {
                    <button type="button" class="secondary" on:click=move |_| {
                        chat.contact_dismissed.set(true);
                        chat.contact_requested.set(false);
                    }>{move || chat.texts().skip}</button>
                })}
            </div>
        </form>
    }
}

#[component]
pub fn OfflineForm(chat: Chat) -> impl IntoView {
    let (name, email, phone_no, question) = (
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
    );
    let (name_err, email_err, phone_err) = (
        RwSignal::new(None),
        RwSignal::new(None),
        RwSignal::new(None),
    );
    let question_err = RwSignal::new(None::<&'static str>);
    let (agreed, consent_err) = (RwSignal::new(false), RwSignal::new(None));
    let submit = move |e: leptos::ev::SubmitEvent| {
        e.prevent_default();
        let t = chat.texts();
        let (e_val, p_val) = (email.get_untracked(), phone_no.get_untracked());
        let mut ok = true;
        if !e_val.trim().is_empty()
            && protocol::validate::email_folded(&e_val, browser::fold_case).is_err()
        {
            email_err.set(Some(t.bad_email));
            ok = false;
        }
        if !p_val.trim().is_empty() && phone(&p_val).is_err() {
            phone_err.set(Some(t.bad_phone));
            ok = false;
        }
        if e_val.trim().is_empty() && p_val.trim().is_empty() {
            email_err.set(Some(t.contact_needed));
            ok = false;
        }
        let text = match protocol::decode::message_text(&question.get_untracked()) {
            Ok(text) => Some(text),
            Err(_) => {
                question_err.set(Some(t.required));
                None
            }
        };
        let contact = ContactInfo {
            name: Some(name.get_untracked()),
            email: Some(e_val),
            phone: Some(p_val),
            ..Default::default()
        }
        .normalized_folded(browser::fold_case);
        let ticked = consent_ticked(chat, agreed, consent_err);
        if let (true, true, Some(text), Ok(contact)) = (ok, ticked, text, contact) {
            record_consent(chat);
            chat.send_offline(contact, text);
            chat.note(Note::Confirmation(t.offline_sent));
        }
    };
    view! {
        <form class="card offline" on:submit=submit aria-labelledby="cw-offline-title" novalidate>
            <h3 id="cw-offline-title">{move || chat.texts().offline_title}</h3>
            <p>{move || chat.site_text(|t| &t.offline_intro).unwrap_or(chat.texts().offline_intro.into())}</p>
            {move || chat.presence.with(|p| p.back_at).map(|at| view! {
                <p class="back-at">{chat.texts().back_at.replace("{when}", &browser::format::moment(at, chat.locale.get()))}</p>
            })}
            <Field id="cw-off-name" label=Signal::derive(move || chat.texts().name.to_owned()) kind="text"
                autocomplete="name" value=name error=name_err/>
            <Field id="cw-off-email" label=Signal::derive(move || chat.texts().email.to_owned()) kind="email"
                autocomplete="email" value=email error=email_err/>
            <Field id="cw-off-phone" label=Signal::derive(move || chat.texts().phone.to_owned()) kind="tel"
                autocomplete="tel" value=phone_no error=phone_err/>
            <div class="field">
                <label for="cw-off-question">{move || format!("{} ({})", chat.texts().your_question, chat.texts().required)}</label>
                <textarea id="cw-off-question" rows="3" required
                    maxlength=move || chat.max_message_chars().to_string()
                    aria-invalid=move || question_err.with(Option::is_some).to_string()
                    prop:value=move || question.get()
                    on:input=move |e| { question.set(input_value(&e)); question_err.set(None); }
                ></textarea>
                <Show when=move || question_err.with(Option::is_some)>
                    <p class="field-error">{move || question_err.get()}</p>
                </Show>
            </div>
            <ConsentBox chat id="cw-off-consent" agreed error=consent_err/>
            <div class="actions">
                <button type="submit" class="primary">{move || chat.texts().submit}</button>
            </div>
        </form>
    }
}

#[component]
pub fn DepartmentPicker(chat: Chat) -> impl IntoView {
    let departments = chat
        .config
        .with_untracked(|c| c.as_ref().map(|c| c.departments.clone()))
        .unwrap_or_default();
    let choose = move |id: String| {
        chat.state.update(|s| s.department = Some(id.clone()));
        chat.command(ConversationCommand::Department { id });
    };
    view! {
        <div class="card departments" role="group" aria-labelledby="cw-dep-title">
            <h3 id="cw-dep-title">{move || chat.texts().choose_department}</h3>
            {departments.into_iter().map(|d| {
                let id = d.id.clone();
                view! { <button type="button" class="secondary" on:click=move |_| choose(id.clone())>{d.name}</button> }
            }).collect_view()}
        </div>
    }
}

#[component]
pub fn RatingSurvey(chat: Chat) -> impl IntoView {
    let scale = chat
        .config
        .with_untracked(|c| c.as_ref().map(|c| c.rating_scale))
        .unwrap_or_default();
    let score = RwSignal::new(None::<u8>);
    let comment = RwSignal::new(String::new());
    let submit = move |e: leptos::ev::SubmitEvent| {
        e.prevent_default();
        let Some(score) = score.get_untracked() else {
            return;
        };
        let comment = Some(comment.get_untracked()).filter(|c| !c.trim().is_empty());
        chat.command(ConversationCommand::Rate { score, comment });
        chat.note(Note::Confirmation(chat.texts().rating_thanks));
    };
    view! {
        <form class="card rating" on:submit=submit aria-labelledby="cw-rate-title">
            <h3 id="cw-rate-title">{move || chat.texts().rating_title}</h3>
            <div class="scale" role="group" aria-labelledby="cw-rate-title">
                {move || protocol::words::scale_labels(scale, chat.locale.get()).iter().enumerate().map(|(i, label)| {
                    let value = i as u8 + 1;
                    view! {
                        <button type="button" class="choice"
                            aria-pressed=move || (score.get() == Some(value)).to_string()
                            on:click=move |_| score.set(Some(value))>{*label}</button>
                    }
                }).collect_view()}
            </div>
            <div class="field">
                <label for="cw-rate-comment">{move || chat.texts().rating_comment}</label>
                <textarea id="cw-rate-comment" rows="2" maxlength="500"
                    prop:value=move || comment.get()
                    on:input=move |e| comment.set(input_value(&e))></textarea>
            </div>
            <div class="actions">
                <button type="submit" class="primary" disabled=move || score.with(Option::is_none)>
                    {move || chat.texts().submit}
                </button>
            </div>
        </form>
    }
}

#[component]
pub fn Menu(chat: Chat, menu_open: RwSignal<bool>) -> impl IntoView {
    let pick = move |panel: Panel| {
        menu_open.set(false);
        chat.panel.set(panel);
    };
    view! {
        <div class="menu" id="cw-menu">
            <button type="button" on:click=move |_| pick(Panel::Transcript)>{move || chat.texts().transcript}</button>
            <button type="button" on:click=move |_| pick(Panel::Callback)>{move || chat.texts().callback}</button>
            <button type="button" on:click=move |_| {
                menu_open.set(false);
                chat.command(ConversationCommand::Close);
            }>{move || chat.texts().end_chat}</button>
        </div>
    }
}

/// The transcript or call-back form opened from the menu.
#[component]
pub fn PanelForm(chat: Chat) -> impl IntoView {
    let panel = chat.panel.get_untracked();
    let value = RwSignal::new(match panel {
        Panel::Callback => chat
            .state
            .with_untracked(|s| s.contact.phone.clone())
            .unwrap_or_default(),
        _ => chat
            .state
            .with_untracked(|s| s.contact.email.clone())
            .unwrap_or_default(),
    });
    let error = RwSignal::new(None::<&'static str>);
    let submit = move |e: leptos::ev::SubmitEvent| {
        e.prevent_default();
        let t = chat.texts();
        let typed = value.get_untracked();
        let command = match panel {
            Panel::Transcript => match protocol::validate::email_folded(&typed, browser::fold_case)
            {
                Ok(email) => ConversationCommand::Transcript { email },
                Err(_) => return error.set(Some(t.bad_email)),
            },
            Panel::Callback => match phone(&typed) {
                Ok(phone) => ConversationCommand::Callback { phone },
                Err(_) => return error.set(Some(t.bad_phone)),
            },
            Panel::None => return,
        };
        chat.command(command);
        chat.panel.set(Panel::None);
    };
    let (label, kind, autocomplete): (Signal<String>, &'static str, &'static str) = match panel {
        Panel::Callback => (
            Signal::derive(move || chat.texts().callback_title.to_owned()),
            "tel",
            "tel",
        ),
        _ => (
            Signal::derive(move || chat.texts().transcript_title.to_owned()),
            "email",
            "email",
        ),
    };
    view! {
        <form class="card panel" on:submit=submit novalidate>
            <Field id="cw-panel-input" label=label kind=kind autocomplete=autocomplete value=value error=error required=true/>
            <div class="actions">
                <button type="submit" class="primary">{move || chat.texts().submit}</button>
                <button type="button" class="secondary" on:click=move |_| chat.panel.set(Panel::None)>
                    {move || chat.texts().cancel}
                </button>
            </div>
        </form>
    }
}

/// A proactive invitation next to the launcher while the window is closed.
#[component]
pub fn Teaser(chat: Chat) -> impl IntoView {
    let invitation = move || {
        chat.notes.with(|notes| {
            notes.iter().rev().find_map(|n| match n {
                Note::Invitation {
                    operator_name,
                    text,
                    ..
                } => Some((operator_name.clone(), text.clone())),
                _ => None,
            })
        })
    };
    let dismissed = RwSignal::new(false);
    view! {
        <Show when=move || !chat.open.get() && !dismissed.get() && invitation().is_some()>
            <div class="teaser" role="status">
                <button type="button" class="teaser-body" on:click=move |_| chat.set_open(true, false)>
                    <span class="mini" aria-hidden="true">{move || invitation().map(|(n, _)| initial(&n))}</span>
                    <span>
                        <strong>{move || invitation().map(|(n, _)| n)}</strong>
                        <span class="teaser-text">{move || invitation().map(|(_, t)| t)}</span>
                    </span>
                </button>
                <button type="button" class="icon dismiss" aria-label=move || chat.texts().close
                    on:click=move |_| {
                        dismissed.set(true);
                        crate::host::closed_by_visitor();
                    }>"×"</button>
            </div>
        </Show>
    }
}
