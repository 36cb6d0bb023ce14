//! IAM and resource-policy widening, judged on meaning rather than text.
//!
//! Each policy a resource holds (a role's inline policies and trust policy, an `AWS::IAM::Policy`,
//! a queue, topic, bucket or bus policy, a Lambda permission) is normalised into statements of
//! effect, principals, actions, resources and conditions ([`policy`]). A change widens when:
//!
//! - an Allow grants a (principal, action, resource) that no old Allow covered (wildcards cover
//!   what they match, an intrinsic function only itself), or covered only under a condition the
//!   new statement no longer has or has loosened;
//! - a Deny is removed, or narrowed (it no longer covers what it denied, or denies it under a new
//!   or stricter condition);
//! - a statement using `NotPrincipal`, `NotAction` or `NotResource` is added or changed (these
//!   are not compared by meaning: any difference is reported);
//! - a managed policy, a queue or topic the policy applies to, or a user's group is added, or a
//!   permissions boundary is removed;
//! - a policy cannot be read (an intrinsic function where a document or statement should be,
//!   a missing element, a wrong type): "cannot compare", never silence.
//!
//! Narrowing (fewer actions, a resource instead of `*`, an added condition) is not widening;
//! reordering, `Sid` and spelling are no change. The inline policies of a role are compared
//! together, so a statement moved from one to another is no change either.
//!
//! The AWS CDK's diff compares rendered statements as text, so it reports a narrowed statement
//! as widening; this module does not.

mod cover;
mod policy;
mod resources;
#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use cover::{grants, unimplied};
use policy::{Atom, CondKey, Conditions, Effect, Extract, Growth, Located, Principal, Stmt};
use resources::Kind;

/// One way a change grants more than before.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub struct Widening {
    /// Which policy of the resource, e.g. `Policies[OrdersWriter]`, `AssumeRolePolicyDocument`, `PolicyDocument`, `Permission`.
    pub policy: String,
    /// What is newly allowed, in words a reviewer reads, e.g. `Allow dynamodb:DeleteItem on {"Fn::GetAtt":["Table","Arn"]} to the role` or `condition aws:SourceArn removed`.
    pub what: String,
}

/// The widenings from `old` to `new` Properties of one resource of `resource_type` (None = the resource does not exist on that side: an added resource widens by everything it grants; a removed one never widens). Types without policies give none.
pub fn widenings(resource_type: &str, old: Option<&Value>, new: Option<&Value>) -> Vec<Widening> {
    let Some(new) = new else { return Vec::new() };
    if old == Some(new) {
        return Vec::new();
    }
    let Some(kind) = Kind::of(resource_type) else {
        return Vec::new();
    };
    // A resource that did not exist granted nothing (it is not a malformed one).
    let old = old
        .map(|old| resources::extract(kind, old))
        .unwrap_or_default();
    let new = resources::extract(kind, new);
    let mut out = BTreeSet::new();
    compare(&old, &new, &mut out);
    out.into_iter().collect()
}

fn compare(old: &Extract, new: &Extract, out: &mut BTreeSet<Widening>) {
    for b in new.broken.difference(&old.broken) {
        out.insert(widening(&b.policy, format!("cannot compare: {}", b.reason)));
    }
    for b in old.broken.difference(&new.broken) {
        out.insert(widening(
            &b.policy,
            format!("cannot compare: before the change, {}", b.reason),
        ));
    }
    let scopes: BTreeSet<&str> = old
        .scopes
        .keys()
        .chain(new.scopes.keys())
        .copied()
        .collect();
    for scope in scopes {
        let old = old.scopes.get(scope).map_or(&[][..], Vec::as_slice);
        let new = new.scopes.get(scope).map_or(&[][..], Vec::as_slice);
        judge(old, new, out);
    }
    let lists: BTreeSet<&str> = old.lists.keys().chain(new.lists.keys()).copied().collect();
    let none = BTreeSet::new();
    for name in lists {
        let (growth, what) = match list(new, name).or(list(old, name)) {
            Some((g, w, _)) => (g, w),
            None => continue,
        };
        let old = list(old, name).map_or(&none, |(_, _, set)| set);
        let new = list(new, name).map_or(&none, |(_, _, set)| set);
        let (from, to) = match growth {
            Growth::Grows => (old, new),
            Growth::Shrinks => (new, old),
        };
        for entry in to.difference(from) {
            out.insert(widening(name, what.replace("{}", &entry.shown)));
        }
    }
}

fn list<'a>(x: &'a Extract, name: &str) -> Option<(Growth, &'static str, &'a BTreeSet<Atom>)> {
    x.lists.get(name).map(|(g, w, set)| (*g, *w, set))
}

fn widening(policy: &str, what: String) -> Widening {
    Widening {
        policy: policy.to_owned(),
        what,
    }
}

/// One scope's statements, old against new.
fn judge(old: &[Located], new: &[Located], out: &mut BTreeSet<Widening>) {
    for n in new {
        let negations = n.stmt.negations();
        if !negations.is_empty() {
            if !old.iter().any(|o| o.stmt == n.stmt) {
                let what = format!(
                    "statement with {} added or changed (not compared by meaning): {}",
                    negations.join(" and "),
                    describe(&n.stmt),
                );
                out.insert(widening(&n.policy, what));
            }
            continue;
        }
        if n.stmt.effect == Effect::Allow {
            for_each_grant(&n.stmt, |p, a, r| allow(old, n, p, a, r, out));
        }
    }
    for o in old {
        if o.stmt.effect != Effect::Deny {
            continue;
        }
        let negations = o.stmt.negations();
        if !negations.is_empty() {
            if !new.iter().any(|n| n.stmt == o.stmt) {
                let what = format!(
                    "statement with {} removed or changed (not compared by meaning): {}",
                    negations.join(" and "),
                    describe(&o.stmt),
                );
                out.insert(widening(&o.policy, what));
            }
            continue;
        }
        for_each_grant(&o.stmt, |p, a, r| deny(new, o, p, a, r, out));
    }
}

fn for_each_grant(s: &Stmt, mut f: impl FnMut(&Principal, &Atom, &Atom)) {
    let (Some(ps), Some(acts), Some(res)) = (
        s.principals.positive(),
        s.actions.positive(),
        s.resources.positive(),
    ) else {
        return;
    };
    for p in ps {
        for a in acts {
            for r in res {
                f(p, a, r);
            }
        }
    }
}

/// A new Allow's grant: covered by an old Allow under conditions the new statement implies?
fn allow(
    old: &[Located],
    n: &Located,
    p: &Principal,
    a: &Atom,
    r: &Atom,
    out: &mut BTreeSet<Widening>,
) {
    let grant = grant_text(Effect::Allow, p, a, r);
    let candidates = old
        .iter()
        .filter(|o| o.stmt.effect == Effect::Allow && grants(&o.stmt, p, a, r));
    match closest(candidates, &n.stmt.conditions, |o| &o.stmt.conditions) {
        None => {
            let what = match conditions_text(&n.stmt.conditions) {
                Some(when) => format!("{grant} if {when}"),
                None => grant,
            };
            out.insert(widening(&n.policy, what));
        }
        Some(lost) => {
            for (key, values) in lost {
                let what = match same_key(&n.stmt.conditions, key) {
                    None => format!("condition {} removed from {grant}", key.key.shown),
                    Some(now) => format!(
                        "condition {} loosened from {} to {now} in {grant}",
                        key.key.shown,
                        operator_text(key, values),
                    ),
                };
                out.insert(widening(&n.policy, what));
            }
        }
    }
}

/// An old Deny's grant: still denied by a new Deny, under no more conditions than before?
fn deny(
    new: &[Located],
    o: &Located,
    p: &Principal,
    a: &Atom,
    r: &Atom,
    out: &mut BTreeSet<Widening>,
) {
    let grant = grant_text(Effect::Deny, p, a, r);
    let candidates = new
        .iter()
        .filter(|n| n.stmt.effect == Effect::Deny && grants(&n.stmt, p, a, r));
    match closest(candidates, &o.stmt.conditions, |n| &n.stmt.conditions) {
        None => {
            let what = match conditions_text(&o.stmt.conditions) {
                Some(when) => format!("{grant} if {when} removed or narrowed"),
                None => format!("{grant} removed or narrowed"),
            };
            out.insert(widening(&o.policy, what));
        }
        Some(added) => {
            for (key, values) in added {
                let what = match same_key(&o.stmt.conditions, key) {
                    None => format!(
                        "{grant} denies less: condition {} added ({})",
                        key.key.shown,
                        operator_text(key, values),
                    ),
                    Some(before) => format!(
                        "{grant} denies less: condition {} tightened from {before} to {}",
                        key.key.shown,
                        operator_text(key, values),
                    ),
                };
                out.insert(widening(&o.policy, what));
            }
        }
    }
}

/// Among the statements that cover a grant, the one whose conditions `strong` implies best:
/// `None` when none covers it, an empty list when one covers it whenever `strong` holds, else
/// the clauses of the closest one (fewest, then first by text) that `strong` does not imply.
fn closest<'a, T: 'a>(
    candidates: impl Iterator<Item = &'a T>,
    strong: &Conditions,
    conditions: impl Fn(&'a T) -> &'a Conditions,
) -> Option<Vec<(&'a CondKey, &'a BTreeSet<Atom>)>> {
    candidates
        .map(|c| unimplied(strong, conditions(c)))
        .min_by(|a, b| {
            let text = |l: &[(&CondKey, &BTreeSet<Atom>)]| -> Vec<String> {
                l.iter().map(|(k, v)| clause_text(k, v)).collect()
            };
            a.len().cmp(&b.len()).then_with(|| text(a).cmp(&text(b)))
        })
}

/// The clauses of `conditions` on the key of `key`, as text, if any.
fn same_key(conditions: &Conditions, key: &CondKey) -> Option<String> {
    let on_key: BTreeMap<&CondKey, &BTreeSet<Atom>> = conditions
        .iter()
        .filter(|(k, _)| k.key == key.key)
        .collect();
    if on_key.is_empty() {
        return None;
    }
    Some(
        on_key
            .iter()
            .map(|(k, v)| operator_text(k, v))
            .collect::<Vec<_>>()
            .join(" and "),
    )
}

fn effect_word(effect: Effect) -> &'static str {
    match effect {
        Effect::Allow => "Allow",
        Effect::Deny => "Deny",
    }
}

fn grant_text(effect: Effect, p: &Principal, a: &Atom, r: &Atom) -> String {
    format!(
        "{} {} on {} to {}",
        effect_word(effect),
        a.shown,
        r.shown,
        p.shown()
    )
}

fn values_text(values: &BTreeSet<Atom>) -> String {
    let shown: Vec<&str> = values.iter().map(|v| v.shown.as_str()).collect();
    match shown.as_slice() {
        [one] => (*one).to_owned(),
        many => format!("[{}]", many.join(", ")),
    }
}

/// A clause without its key: `StringEquals [a, b]`.
fn operator_text(key: &CondKey, values: &BTreeSet<Atom>) -> String {
    format!("{} {}", key.op, values_text(values))
}

fn clause_text(key: &CondKey, values: &BTreeSet<Atom>) -> String {
    format!("{} {} {}", key.op, key.key.shown, values_text(values))
}

fn conditions_text(conditions: &Conditions) -> Option<String> {
    if conditions.is_empty() {
        return None;
    }
    Some(
        conditions
            .iter()
            .map(|(k, v)| clause_text(k, v))
            .collect::<Vec<_>>()
            .join(" and "),
    )
}

/// A whole statement in one line (for the `Not...` forms).
fn describe(s: &Stmt) -> String {
    fn elem<T>(name: &str, e: &policy::Elem<T>, shown: impl Fn(&T) -> String) -> String {
        let (prefix, set) = match e {
            policy::Elem::Is(set) => ("", set),
            policy::Elem::Not(set) => ("Not", set),
        };
        let items: Vec<String> = set.iter().map(shown).collect();
        format!("{prefix}{name} [{}]", items.join(", "))
    }
    let mut text = format!(
        "{} {} {} {}",
        effect_word(s.effect),
        elem("Principal", &s.principals, Principal::shown),
        elem("Action", &s.actions, |a| a.shown.clone()),
        elem("Resource", &s.resources, |r| r.shown.clone()),
    );
    if let Some(when) = conditions_text(&s.conditions) {
        text.push_str(" if ");
        text.push_str(&when);
    }
    text
}
