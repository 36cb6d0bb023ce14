//! What covers what: a wildcard pattern covers the patterns it matches, a statement covers a
//! grant, one condition block implies another. Every answer is sound: "covers" only when every
//! request the item admits is admitted by the container too; when in doubt, "does not cover"
//! (which the caller reports as a widening).

use std::collections::BTreeSet;

use super::policy::{Atom, AtomKind, CondKey, Conditions, Principal, Stmt};

/// A longer comparison than this many steps is not attempted (it is reported instead).
const GLOB_LIMIT: usize = 1 << 20;

/// Whether every string `item` matches is matched by `pattern` (`*` any run, `?` one
/// character, in both). Sound, not complete: `pattern`'s `*` absorbs `item`'s wildcards,
/// its `?` one of `item`'s characters or `?`, its literal characters only themselves.
pub(super) fn glob_covers(pattern: &str, item: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let s: Vec<char> = item.chars().collect();
    let width = s.len() + 1;
    if (p.len() + 1).saturating_mul(width) > GLOB_LIMIT {
        return pattern == item;
    }
    // covers[i * width + j]: p[i..] covers s[j..]
    let mut covers = vec![false; (p.len() + 1) * width];
    covers[p.len() * width + s.len()] = true;
    for i in (0..p.len()).rev() {
        for j in (0..=s.len()).rev() {
            let rest = j < s.len();
            covers[i * width + j] = match p[i] {
                '*' => covers[(i + 1) * width + j] || (rest && covers[i * width + j + 1]),
                '?' => rest && s[j] != '*' && covers[(i + 1) * width + j + 1],
                c => rest && s[j] == c && covers[(i + 1) * width + j + 1],
            };
        }
    }
    covers[0]
}

/// ARNs are matched component by component (`arn:partition:service:region:account:resource`),
/// so a wildcard never spans a colon before the resource part; anything else as a whole.
fn arn_covers(pattern: &str, item: &str) -> bool {
    if pattern.starts_with("arn:") && item.starts_with("arn:") {
        let p: Vec<&str> = pattern.splitn(6, ':').collect();
        let s: Vec<&str> = item.splitn(6, ':').collect();
        if p.len() != s.len() {
            return pattern == item;
        }
        return p.iter().zip(&s).all(|(p, s)| glob_covers(p, s));
    }
    glob_covers(pattern, item)
}

/// Whether `container` covers `item`: `*` covers everything, a literal the literals its pattern
/// covers, a token or an implicit value only itself.
pub(super) fn atom_covers(container: &Atom, item: &Atom) -> bool {
    if container.is_any() {
        return true;
    }
    match (container.kind, item.kind) {
        (AtomKind::Lit, AtomKind::Lit) => arn_covers(&container.norm, &item.norm),
        _ => container == item,
    }
}

fn any_covers(containers: &BTreeSet<Atom>, item: &Atom) -> bool {
    containers.iter().any(|c| atom_covers(c, item))
}

pub(super) fn principal_covers(container: &Principal, item: &Principal) -> bool {
    match (container, item) {
        (Principal::Any, _) => true,
        (Principal::Of { .. }, Principal::Any) => false,
        (Principal::Of { kind: k1, id: c }, Principal::Of { kind: k2, id: i }) => {
            k1 == k2 && atom_covers(c, i)
        }
    }
}

/// Whether the positive statement `s` covers the grant, conditions aside.
pub(super) fn grants(s: &Stmt, principal: &Principal, action: &Atom, resource: &Atom) -> bool {
    let (Some(ps), Some(acts), Some(res)) = (
        s.principals.positive(),
        s.actions.positive(),
        s.resources.positive(),
    ) else {
        return false;
    };
    ps.iter().any(|p| principal_covers(p, principal))
        && any_covers(acts, action)
        && any_covers(res, resource)
}

/// The clauses of `weak` that `strong` does not imply: a request that satisfies every clause of
/// `strong` may fail these. Empty: whenever `strong` holds, `weak` holds.
pub(super) fn unimplied<'a>(
    strong: &Conditions,
    weak: &'a Conditions,
) -> Vec<(&'a CondKey, &'a BTreeSet<Atom>)> {
    weak.iter()
        .filter(|(wk, wv)| {
            !strong
                .iter()
                .any(|(sk, sv)| sk.key == wk.key && clause_implies(&sk.op, sv, &wk.op, wv))
        })
        .collect()
}

/// How the values of an operator relate when the statement gets stricter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Values {
    /// Fewer values are stricter (`StringEquals`, `StringLike`, `ArnLike`...).
    Match(Compare),
    /// More values are stricter (`StringNotEquals`, `ArnNotLike`...).
    Exclude(Compare),
    /// Only the same values are known to be as strict (`Bool`, numbers, dates, addresses).
    Same,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Compare {
    Equal,
    Pattern,
}

fn values_of(base: &str) -> Values {
    let op = base.rsplit(':').next().unwrap_or(base);
    match op {
        "StringEquals" | "StringEqualsIgnoreCase" => Values::Match(Compare::Equal),
        "StringLike" | "ArnLike" => Values::Match(Compare::Pattern),
        "StringNotEquals" | "StringNotEqualsIgnoreCase" => Values::Exclude(Compare::Equal),
        "StringNotLike" | "ArnNotLike" => Values::Exclude(Compare::Pattern),
        _ => Values::Same,
    }
}

/// Whether the clause `strong_op: strong` implies `weak_op: weak` on the same key.
fn clause_implies(
    strong_op: &str,
    strong: &BTreeSet<Atom>,
    weak_op: &str,
    weak: &BTreeSet<Atom>,
) -> bool {
    let (s_base, s_if_exists) = split_if_exists(strong_op);
    let (w_base, w_if_exists) = split_if_exists(weak_op);
    // `...IfExists` also holds when the key is absent: weaker than without.
    if s_if_exists && !w_if_exists {
        return false;
    }
    let values = if s_base == w_base {
        values_of(s_base)
    } else if w_base.strip_suffix("StringLike") == s_base.strip_suffix("StringEquals")
        && w_base.ends_with("StringLike")
    {
        // An exact value is one a pattern may match.
        Values::Match(Compare::Pattern)
    } else {
        return false;
    };
    let covers = |compare: Compare, container: &Atom, item: &Atom| match compare {
        Compare::Equal => container == item,
        Compare::Pattern => atom_covers(container, item),
    };
    match values {
        Values::Match(c) => strong.iter().all(|s| weak.iter().any(|w| covers(c, w, s))),
        Values::Exclude(c) => weak.iter().all(|w| strong.iter().any(|s| covers(c, s, w))),
        Values::Same => strong == weak,
    }
}

fn split_if_exists(op: &str) -> (&str, bool) {
    match op.strip_suffix("IfExists") {
        Some(base) => (base, true),
        None => (op, false),
    }
}
