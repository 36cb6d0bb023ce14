//! The Lambda function: [`notify_staff::NotifyStaff`] with SES v2 on the runtime library's rule
//! target (sender and recipient from `SENDER_EMAIL` and `STAFF_EMAIL`).

use notify_staff::ses::SesNotifier;
use notify_staff::{NotifyStaff, RECIPIENT_ENV, SENDER_ENV};
use tributary_runtime::lambda::{BoxError, required_env};

#[tokio::main]
async fn main() -> Result<(), BoxError> {
    tributary_runtime::target::run(async |config| {
        let sender = required_env(SENDER_ENV)?;
        let recipient = required_env(RECIPIENT_ENV)?;
        let client = aws_sdk_sesv2::Client::new(config);
        Ok(NotifyStaff(SesNotifier::new(client, sender, recipient)))
    })
    .await
}
