pub mod iam;
