//! The notification email: plain text, everything the staff need to prepare the table.

use reservations::Reservation;

/// A plain-text email about one reservation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email {
    pub subject: String,
    pub body: String,
}

impl Email {
    /// The "new reservation" email.
    pub fn new_reservation(r: &Reservation) -> Self {
        let guests = match r.party_size {
            1 => "1 guest".to_owned(),
            n => format!("{n} guests"),
        };
        Self {
            subject: format!("New reservation: {guests} at {}", r.time),
            body: format!(
                "A new reservation is waiting for confirmation.\n\n\
                 Restaurant:  {}\n\
                 Name:        {}\n\
                 Party size:  {guests}\n\
                 Time:        {}\n\
                 Reservation: {}\n\
                 Received:    {}\n",
                r.restaurant_id, r.customer_name, r.time, r.reservation_id, r.created_at
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use reservations::Status;

    use super::*;

    #[test]
    fn the_email_names_the_party_and_the_time() {
        let mut r = Reservation {
            reservation_id: "res-0001".into(),
            restaurant_id: "trattoria-42".into(),
            customer_name: "Ada Lovelace".into(),
            party_size: 4,
            time: "2026-03-14T19:30:00+01:00".into(),
            status: Status::Pending,
            created_at: "2026-03-01T18:40:00Z".into(),
        };
        let email = Email::new_reservation(&r);
        assert_eq!(
            email.subject,
            "New reservation: 4 guests at 2026-03-14T19:30:00+01:00"
        );
        assert!(email.body.contains("Name:        Ada Lovelace\n"));
        assert!(email.body.contains("Reservation: res-0001\n"));
        r.party_size = 1;
        assert!(Email::new_reservation(&r).subject.contains("1 guest at"));
    }
}
