//! IAM policy documents as types: statements are added by grants, never written by apps.

use super::value::Value;

/// The version every policy document carries.
pub const POLICY_VERSION: &str = "2012-10-17";

/// Who a resource policy statement is about.
#[derive(Debug, Clone, PartialEq)]
pub enum Principal {
    /// An AWS service principal, e.g. `events.amazonaws.com`.
    Service(&'static str),
    /// Everyone (only in Deny statements, e.g. refusing plain-HTTP access to a bucket).
    Anyone,
}

/// Allow or Deny.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    Allow,
    Deny,
}

/// One statement: effect, principal (resource policies only), actions, resources, condition.
#[derive(Debug, Clone, PartialEq)]
pub struct Statement {
    pub effect: Effect,
    pub principal: Option<Principal>,
    pub actions: Vec<&'static str>,
    pub resources: Vec<Value>,
    pub condition: Option<Value>,
}

impl Statement {
    /// An identity-policy statement allowing `actions` (the vocabulary's
    /// [`super::cfn::iam::Action`]s, or names) on `resources`.
    pub fn allow<A: Copy + Into<&'static str>>(actions: &[A], resources: Vec<Value>) -> Self {
        Self {
            effect: Effect::Allow,
            principal: None,
            actions: names(actions),
            resources,
            condition: None,
        }
    }

    /// This statement, applying only under `condition`.
    pub fn when(mut self, condition: Value) -> Self {
        self.condition = Some(condition);
        self
    }

    /// A resource-policy statement allowing a service principal.
    pub fn allow_service<A: Copy + Into<&'static str>>(
        service: &'static str,
        actions: &[A],
        resources: Vec<Value>,
        condition: Option<Value>,
    ) -> Self {
        Self {
            effect: Effect::Allow,
            principal: Some(Principal::Service(service)),
            actions: names(actions),
            resources,
            condition,
        }
    }

    /// A resource-policy statement denying everyone `actions` under `condition`.
    pub fn deny_anyone<A: Copy + Into<&'static str>>(
        actions: &[A],
        resources: Vec<Value>,
        condition: Value,
    ) -> Self {
        Self {
            effect: Effect::Deny,
            principal: Some(Principal::Anyone),
            actions: names(actions),
            resources,
            condition: Some(condition),
        }
    }
}

/// The names of `actions`, as a statement keeps them.
fn names<A: Copy + Into<&'static str>>(actions: &[A]) -> Vec<&'static str> {
    actions.iter().map(|&a| a.into()).collect()
}

/// A policy document that grants append to; identical statements are kept once.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PolicyDocument {
    statements: Vec<Statement>,
}

impl PolicyDocument {
    /// Adds a statement unless an identical one is already there.
    pub fn add(&mut self, statement: Statement) {
        if !self.statements.contains(&statement) {
            self.statements.push(statement);
        }
    }

    /// The statements, in the order they were granted.
    pub fn statements(&self) -> &[Statement] {
        &self.statements
    }

    /// Whether nothing has been granted.
    pub fn is_empty(&self) -> bool {
        self.statements.is_empty()
    }

    /// A document holding `statements` (identical ones kept once).
    pub fn with(statements: Vec<Statement>) -> Self {
        let mut doc = Self::default();
        statements.into_iter().for_each(|s| doc.add(s));
        doc
    }

    /// Visits every resource reference in the statements.
    pub fn for_each_reference(
        &self,
        f: &mut impl FnMut(&super::value::Reference, Option<super::cfn::Attr>),
    ) {
        for s in &self.statements {
            s.resources.iter().for_each(|r| r.for_each_reference(f));
            if let Some(c) = &s.condition {
                c.for_each_reference(f);
            }
        }
    }
}
