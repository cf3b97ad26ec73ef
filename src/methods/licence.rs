//! The Windows licence every Windows activation method drives (KMS-CLI-2 to KMS-CLI-7,
//! KMS-CLI-9): initial grace, licensed, out-of-tolerance grace, notification.
//!
//! A machine is in one of four licence states; a deadline ends each timed one. The functions
//! here are pure: they take the current licence and what happened, and return the new licence
//! and when the machine should next try. The world only stores the results and schedules.

#![allow(clippy::indexing_slicing)] // indices are ids of machines, hosts, keys and slots that the model and the world create, in range by construction (a bad one is a bug the tests must catch, not an input error)

use crate::code::Code;
use crate::model::StateSet;
use crate::time::{NEVER, SimTime};

/// The licence states of a KMS, MAK or ADBA machine (scenario-format.md, "States").
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[repr(u8)]
pub enum LicenceState {
    /// Initial grace: freshly installed, not yet activated (KMS-CLI-5).
    Grace = 0,
    Licensed = 1,
    /// Out-of-tolerance grace: validity lapsed or hardware changed (KMS-CLI-6, KMS-CLI-9).
    OotGrace = 2,
    /// Grace ended without activation: reminders at every logon (0xC004F009).
    Notification = 3,
}

impl LicenceState {
    pub const ALL: [LicenceState; 4] = [
        LicenceState::Grace,
        LicenceState::Licensed,
        LicenceState::OotGrace,
        LicenceState::Notification,
    ];

    /// The family these states belong to in outputs.
    pub const SET: StateSet = StateSet::Windows;

    /// The state's index in `StateSet::Windows` (output column order).
    pub fn index(self) -> u8 {
        self as u8
    }

    /// The name used in outputs.
    pub fn as_str(self) -> &'static str {
        Self::SET.names()[usize::from(self.index())]
    }
}

/// A machine's licence: its state and when that state ends on its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Licence {
    pub state: LicenceState,
    /// End of the grace, validity or out-of-tolerance period; `NEVER` in notification.
    pub deadline: SimTime,
}

/// The timers that apply to one machine at one moment: the policy's, overridden by the
/// intervals its last host pushed (KMS-HOST-7).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timers {
    pub activation_interval: SimTime,
    pub renewal_interval: SimTime,
    pub validity: SimTime,
    pub oot_grace: SimTime,
}

/// What an activation attempt came to, as the machine's method says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    /// Activated (or renewed): licensed for `valid_for` from now (`NEVER`: for good, as a
    /// MAK activation, MAK-2); the next try `next` later (`NEVER`: none).
    Success { valid_for: SimTime, next: SimTime },
    /// Failed with `code`; the next try `retry` later.
    Failure { code: Code, retry: SimTime },
    /// Nothing happened yet: the method acts for the machine later (a telephone call, a VAMT
    /// proxy's batch). The next attempt is at `until` (`NEVER`: the method calls back).
    Wait { until: SimTime },
}

impl Answer {
    /// A KMS-style answer: success keeps the licence for the validity period and renews
    /// after the renewal interval (KMS-CLI-3, KMS-CLI-4); a failure retries after the
    /// activation interval (KMS-CLI-2).
    pub fn with_timers(failure: Option<Code>, timers: &Timers) -> Answer {
        match failure {
            None => Answer::Success {
                valid_for: timers.validity,
                next: timers.renewal_interval,
            },
            Some(code) => Answer::Failure {
                code,
                retry: timers.activation_interval,
            },
        }
    }
}

/// What a finished attempt did to the licence, and when to try again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AfterAttempt {
    pub licence: Licence,
    pub next_attempt: SimTime,
    /// The outcome to record: `Activated`/`Renewed` on success, else the failure code;
    /// None when the method only made the machine wait.
    pub outcome: Option<Code>,
}

impl Licence {
    /// A fresh install: initial grace of `grace` seconds from `now` (KMS-CLI-5).
    pub fn fresh(now: SimTime, grace: SimTime) -> Self {
        Licence {
            state: LicenceState::Grace,
            deadline: now.saturating_add(grace),
        }
    }

    /// When the licence ends if the machine is licensed; `NEVER` if it is not (or is
    /// licensed for good).
    #[inline]
    pub fn licence_end(self) -> SimTime {
        if self.state == LicenceState::Licensed {
            self.deadline
        } else {
            NEVER
        }
    }

    /// Licensed until `deadline`.
    pub fn licensed_until(deadline: SimTime) -> Self {
        Licence {
            state: LicenceState::Licensed,
            deadline,
        }
    }

    /// The result of an attempt at `now`.
    ///
    /// - Success (KMS-CLI-3, KMS-CLI-4): licensed for the answer's validity from now, next try
    ///   as the answer says; from notification or any grace the machine becomes licensed at
    ///   once (KMS-CLI-5).
    /// - Failure (KMS-CLI-2, KMS-CLI-3, KMS-CLI-6): the state does not change — a licensed
    ///   machine whose renewal fails stays licensed until its validity ends — and it retries
    ///   after the answer's retry interval.
    /// - Wait: nothing changes.
    pub fn after_attempt(self, now: SimTime, answer: Answer) -> AfterAttempt {
        match answer {
            Answer::Success { valid_for, next } => AfterAttempt {
                outcome: Some(if self.state == LicenceState::Licensed {
                    Code::Renewed
                } else {
                    Code::Activated
                }),
                licence: Licence::licensed_until(now.saturating_add(valid_for)),
                next_attempt: now.saturating_add(next),
            },
            Answer::Failure { code, retry } => AfterAttempt {
                outcome: Some(code),
                licence: self,
                next_attempt: now.saturating_add(retry),
            },
            Answer::Wait { until } => AfterAttempt {
                outcome: None,
                licence: self,
                next_attempt: until,
            },
        }
    }

    /// The deadline passed. Validity lapsed → out-of-tolerance grace (KMS-CLI-4, KMS-CLI-6); any grace
    /// ended → notification mode (KMS-CLI-5). Returns the new licence and whether the
    /// machine just entered notification (0xC004F009).
    pub fn at_deadline(self, timers: &Timers) -> (Licence, bool) {
        match self.state {
            LicenceState::Licensed => (
                Licence {
                    state: LicenceState::OotGrace,
                    deadline: self.deadline.saturating_add(timers.oot_grace),
                },
                false,
            ),
            LicenceState::Grace | LicenceState::OotGrace => (
                Licence {
                    state: LicenceState::Notification,
                    deadline: NEVER,
                },
                true,
            ),
            LicenceState::Notification => (self, false),
        }
    }

    /// KMS-CLI-9: a major hardware change puts a licensed machine out of tolerance
    /// (0xC004F00F) until it reactivates. A machine that is not licensed has nothing to lose
    /// and keeps its state. Returns whether the change took the licence away.
    pub fn hardware_change(self, now: SimTime, timers: &Timers) -> (Licence, bool) {
        if self.state == LicenceState::Licensed {
            (
                Licence {
                    state: LicenceState::OotGrace,
                    deadline: now.saturating_add(timers.oot_grace),
                },
                true,
            )
        } else {
            (self, false)
        }
    }
}

/// Rearms allowed on Windows 7 / Server 2008 R2 class systems (KMS-CLI-7).
pub const MAX_REARMS: u8 = 3;

/// KMS-CLI-7: a rearm restarts the grace period (and the caller gives the machine a new
/// CMID). With no rearm left it fails and nothing changes: returns None.
pub fn rearm(rearms_left: u8, now: SimTime, grace: SimTime) -> Option<(Licence, u8)> {
    rearms_left
        .checked_sub(1)
        .map(|left| (Licence::fresh(now, grace), left))
}

#[cfg(test)]
mod tests {
    use super::*;

    const H: SimTime = 3_600;
    const D: SimTime = 86_400;
    const TIMERS: Timers = Timers {
        activation_interval: 2 * H,
        renewal_interval: 7 * D,
        validity: 180 * D,
        oot_grace: 30 * D,
    };

    #[test]
    fn the_state_names_are_the_windows_family_in_order() {
        let names: Vec<&str> = LicenceState::ALL.iter().map(|s| s.as_str()).collect();
        assert_eq!(names, StateSet::Windows.names());
    }

    #[test]
    fn kms_cli_2_an_unactivated_client_retries_every_activation_interval() {
        let l = Licence::fresh(0, 30 * D);
        let a = l.after_attempt(10, Answer::with_timers(Some(Code::CountTooLow), &TIMERS));
        assert_eq!(a.next_attempt, 10 + 2 * H);
        assert_eq!(a.licence, l);
        assert_eq!(a.outcome, Some(Code::CountTooLow));
    }

    #[test]
    fn kms_cli_3_4_success_restarts_validity_and_renewal_timer() {
        let l = Licence::fresh(0, 30 * D);
        let a = l.after_attempt(100, Answer::with_timers(None, &TIMERS));
        assert_eq!(a.outcome, Some(Code::Activated));
        assert_eq!(a.licence, Licence::licensed_until(100 + 180 * D));
        assert_eq!(a.next_attempt, 100 + 7 * D);
        let b = a
            .licence
            .after_attempt(7 * D + 100, Answer::with_timers(None, &TIMERS));
        assert_eq!(b.outcome, Some(Code::Renewed));
        assert_eq!(b.licence.deadline, 187 * D + 100);
    }

    #[test]
    fn kms_cli_3_6_a_failed_renewal_keeps_the_licence_and_retries_at_the_activation_interval() {
        let l = Licence::licensed_until(180 * D);
        let a = l.after_attempt(7 * D, Answer::with_timers(Some(Code::NoHost), &TIMERS));
        assert_eq!(a.licence, l);
        assert_eq!(a.next_attempt, 7 * D + 2 * H);
    }

    #[test]
    fn kms_cli_4_6_validity_lapses_into_oot_grace_then_notification() {
        let l = Licence::licensed_until(180 * D);
        let (oot, notified) = l.at_deadline(&TIMERS);
        assert_eq!(oot.state, LicenceState::OotGrace);
        assert_eq!(oot.deadline, 210 * D);
        assert!(!notified);
        let (n, notified) = oot.at_deadline(&TIMERS);
        assert_eq!(n.state, LicenceState::Notification);
        assert_eq!(n.deadline, NEVER);
        assert!(notified);
    }

    #[test]
    fn kms_cli_5_grace_ends_in_notification_and_a_success_still_activates() {
        let (n, notified) = Licence::fresh(0, 30 * D).at_deadline(&TIMERS);
        assert!(notified);
        assert_eq!(n.state, LicenceState::Notification);
        let a = n.after_attempt(31 * D, Answer::with_timers(None, &TIMERS));
        assert_eq!(a.outcome, Some(Code::Activated));
        assert_eq!(a.licence.state, LicenceState::Licensed);
    }

    /// MAK-2: a MAK activation is for good: no validity to lapse, nothing to renew.
    #[test]
    fn mak_2_an_activation_for_good_never_lapses() {
        let answer = Answer::Success {
            valid_for: NEVER,
            next: NEVER,
        };
        let a = Licence::fresh(0, 30 * D).after_attempt(5 * D, answer);
        assert_eq!(a.licence, Licence::licensed_until(NEVER));
        assert_eq!(a.next_attempt, NEVER);
        assert_eq!(a.outcome, Some(Code::Activated));
    }

    /// ADBA-2: an ADBA check licenses the machine for the ADBA validity from that check, and
    /// the next check is 7 days later; a lapse goes to out-of-tolerance grace as for KMS.
    #[test]
    fn adba_2_validity_runs_from_the_last_check() {
        let check = Answer::Success {
            valid_for: 180 * D,
            next: 7 * D,
        };
        let a = Licence::fresh(0, 30 * D).after_attempt(0, check);
        let b = a.licence.after_attempt(7 * D, check);
        assert_eq!(b.licence.deadline, 187 * D);
        assert_eq!(b.next_attempt, 14 * D);
        assert_eq!(b.outcome, Some(Code::Renewed));
        let (oot, _) = b.licence.at_deadline(&TIMERS);
        assert_eq!(oot.state, LicenceState::OotGrace);
    }

    /// A method may make the machine wait (a telephone call placed): nothing changes, no
    /// outcome is counted.
    #[test]
    fn waiting_changes_nothing() {
        let l = Licence::fresh(0, 30 * D);
        let a = l.after_attempt(0, Answer::Wait { until: D });
        assert_eq!((a.licence, a.next_attempt, a.outcome), (l, D, None));
    }

    #[test]
    fn kms_cli_7_rearm_restarts_grace_at_most_three_times() {
        let mut left = MAX_REARMS;
        for _ in 0..3 {
            let (l, rest) = rearm(left, 5 * D, 30 * D).expect("a rearm is left");
            assert_eq!(l, Licence::fresh(5 * D, 30 * D));
            left = rest;
        }
        assert_eq!(rearm(left, 5 * D, 30 * D), None);
    }

    #[test]
    fn kms_cli_9_hardware_change_puts_a_licensed_machine_out_of_tolerance() {
        let (l, lost) = Licence::licensed_until(100 * D).hardware_change(10 * D, &TIMERS);
        assert!(lost);
        assert_eq!(l.state, LicenceState::OotGrace);
        assert_eq!(l.deadline, 40 * D);
        let grace = Licence::fresh(0, 30 * D);
        assert_eq!(grace.hardware_change(10 * D, &TIMERS), (grace, false));
    }
}
