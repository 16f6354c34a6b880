//! The rating survey after a silence (`rating.offer = after_silence`): once an operator has
//! answered and nobody has written for `rating.silence_minutes`, the visitor is asked to rate
//! the chat without its being closed.

use super::super::store::Meta;
use super::super::ConversationRoom;
use crate::http;
use worker::Result;

impl ConversationRoom {
    /// When the chat would be quiet long enough, if the site asks after a silence.
    async fn silence_survey_at(&self, meta: &Meta) -> Result<Option<u64>> {
        let settings = self.settings(meta).await?;
        // Every message passes here: a site that asks only on close reads nothing more.
        if settings.rating.offer != protocol::settings::SurveyOffer::AfterSilence {
            return Ok(None);
        }
        let store = self.store();
        let Some(last) = store.last_message()? else {
            return Ok(None);
        };
        let answered = store.facts()?.first_reply_at.is_some();
        let minute_ms = crate::config::of(&self.env).map_or(60_000, |c| c.survey_minute_ms);
        Ok(settings
            .rating
            .silence_survey_at(&store.state()?, answered, last.sent_at, minute_ms))
    }

    /// After a message: the alarm rings when the silence would be long enough.
    pub(super) async fn schedule_silence_survey(&self, meta: &Meta) -> Result<()> {
        if let Some(at) = self.silence_survey_at(meta).await? {
            self.wake_at(at).await?;
        }
        Ok(())
    }

    /// On the alarm: asks the visitor to rate once the chat has been quiet long enough;
    /// returns when to look again (a message since moved the time on).
    pub(in crate::objects::conversation) async fn survey_if_quiet(&self) -> Result<Option<u64>> {
        let Some(meta) = self.store().meta()? else {
            return Ok(None);
        };
        match self.silence_survey_at(&meta).await? {
            Some(at) if at <= http::now_ms() => {
                self.save_state(&meta, |s| s.survey = true).await?;
                Ok(None)
            }
            later => Ok(later),
        }
    }
}
