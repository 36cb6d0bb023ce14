//! The request body, raw JSON -> [`NewReservation`], collecting an error for EVERY bad field (unknown ones too).

use std::str::FromStr;

use serde_json::{Map, Value};

use crate::fields::{CustomerName, PartySize, ReservationId, ReservationTime, RestaurantId};

/// A valid `POST /reservations` body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewReservation {
    /// Client-supplied id (makes retries idempotent); generated when absent.
    pub reservation_id: Option<ReservationId>,
    pub restaurant_id: RestaurantId,
    pub customer_name: CustomerName,
    pub party_size: PartySize,
    pub time: ReservationTime,
}

/// One bad field: its name in the body and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: String,
    pub detail: String,
}

/// Why a body is not a [`NewReservation`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RequestError {
    /// Not a JSON object at all.
    Malformed(String),
    /// A JSON object with one or more bad, missing or unknown fields, in that order.
    Invalid(Vec<FieldError>),
}

/// Longest unknown field name echoed back in an error.
const ECHO_MAX_CHARS: usize = 64;

/// Parses and validates a request body.
pub fn parse(body: &[u8]) -> Result<NewReservation, RequestError> {
    let object = match serde_json::from_slice(body) {
        Ok(Value::Object(object)) => object,
        Ok(_) => return Err(malformed("the request body must be a JSON object")),
        Err(e) if e.is_eof() && body.iter().all(u8::is_ascii_whitespace) => {
            return Err(malformed("the request body is empty"));
        }
        Err(e) => {
            return Err(malformed(&format!(
                "the request body is not valid JSON: {e}"
            )));
        }
    };
    let mut fields = Fields {
        object,
        errors: Vec::new(),
    };
    let restaurant_id = fields.required("restaurantId", string::<RestaurantId>);
    let customer_name = fields.required("customerName", string::<CustomerName>);
    let party_size = fields.required("partySize", party_size);
    let time = fields.required("time", string::<ReservationTime>);
    let reservation_id = fields.optional("reservationId", string::<ReservationId>);
    let errors = fields.finish();

    match (restaurant_id, customer_name, party_size, time) {
        (Some(restaurant_id), Some(customer_name), Some(party_size), Some(time))
            if errors.is_empty() =>
        {
            Ok(NewReservation {
                reservation_id,
                restaurant_id,
                customer_name,
                party_size,
                time,
            })
        }
        _ => Err(RequestError::Invalid(errors)),
    }
}

fn malformed(detail: &str) -> RequestError {
    RequestError::Malformed(detail.to_owned())
}

/// The body's fields not yet looked at, and the errors so far.
struct Fields {
    object: Map<String, Value>,
    errors: Vec<FieldError>,
}

impl Fields {
    fn required<T>(&mut self, name: &str, parse: fn(Value) -> Result<T, String>) -> Option<T> {
        match self.object.remove(name) {
            Some(value) => self.parse(name, value, parse),
            None => {
                self.error(name, "is required".to_owned());
                None
            }
        }
    }

    fn optional<T>(&mut self, name: &str, parse: fn(Value) -> Result<T, String>) -> Option<T> {
        let value = self.object.remove(name)?;
        self.parse(name, value, parse)
    }

    fn parse<T>(
        &mut self,
        name: &str,
        value: Value,
        parse: fn(Value) -> Result<T, String>,
    ) -> Option<T> {
        parse(value).map_err(|detail| self.error(name, detail)).ok()
    }

    fn error(&mut self, field: &str, detail: String) {
        self.errors.push(FieldError {
            field: field.to_owned(),
            detail,
        });
    }

    /// The errors, followed by one for each field that is left over (unknown).
    fn finish(mut self) -> Vec<FieldError> {
        let unknown = std::mem::take(&mut self.object);
        for name in unknown.keys() {
            let name: String = name.chars().take(ECHO_MAX_CHARS).collect();
            self.error(&name, "unknown field".to_owned());
        }
        self.errors
    }
}

fn string<T: FromStr<Err = String>>(value: Value) -> Result<T, String> {
    match value {
        Value::String(s) => s.parse(),
        _ => Err("must be a string".to_owned()),
    }
}

fn party_size(value: Value) -> Result<PartySize, String> {
    match value {
        Value::Number(n) => PartySize::try_from(&n),
        _ => Err(PartySize::expected()),
    }
}
