//! Attempt outcome codes: the real Windows codes, so users recognise them from event logs
//! (outputs.md, "Attempt outcome codes").

/// What one activation attempt (or licence transition) came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[repr(u8)]
pub enum Code {
    /// Count ≥ threshold on a machine that was not licensed.
    Activated,
    /// A licensed machine renewed.
    Renewed,
    /// 0xC004F038: the host answered but the count was below the threshold.
    CountTooLow,
    /// 0xC004F074: no KMS host could be contacted.
    NoHost,
    /// 0xC004F042: the host cannot activate this product (key group).
    ProductRefused,
    /// 0xC004F041: the host is not activated.
    HostNotActivated,
    /// 0xC004F06C: the client's clock is more than 4 hours off the host's.
    ClockSkew,
    /// 0xC004F009: grace ended without activation (a state change, not an attempt).
    Notification,
    /// 0xC004F00F: a major hardware change put the machine out of tolerance.
    HardwareChange,
    /// The machine was offline when the attempt fell due; it waits for the next online
    /// instant (NET-2).
    Offline,
    /// 0xC004C020: the multiple activation key has no activations left (MAK-1).
    MakExhausted,
}

impl Code {
    pub const ALL: [Code; 11] = [
        Code::Activated,
        Code::Renewed,
        Code::CountTooLow,
        Code::NoHost,
        Code::ProductRefused,
        Code::HostNotActivated,
        Code::ClockSkew,
        Code::Notification,
        Code::HardwareChange,
        Code::Offline,
        Code::MakExhausted,
    ];

    /// The codes every scenario reports; the others are reported only by the scenarios
    /// whose methods can produce them (`Model::codes`), so adding a method never changes
    /// the outputs of scenarios that do not use it.
    pub const BASE: [Code; 10] = [
        Code::Activated,
        Code::Renewed,
        Code::CountTooLow,
        Code::NoHost,
        Code::ProductRefused,
        Code::HostNotActivated,
        Code::ClockSkew,
        Code::Notification,
        Code::HardwareChange,
        Code::Offline,
    ];
    pub const COUNT: usize = Self::ALL.len();

    /// The name used in outputs.
    pub fn as_str(self) -> &'static str {
        match self {
            Code::Activated => "activated",
            Code::Renewed => "renewed",
            Code::CountTooLow => "0xC004F038",
            Code::NoHost => "0xC004F074",
            Code::ProductRefused => "0xC004F042",
            Code::HostNotActivated => "0xC004F041",
            Code::ClockSkew => "0xC004F06C",
            Code::Notification => "0xC004F009",
            Code::HardwareChange => "0xC004F00F",
            Code::Offline => "offline",
            Code::MakExhausted => "0xC004C020",
        }
    }

    /// Everything but a successful exchange: what the failure charts show.
    pub fn is_failure(self) -> bool {
        !matches!(self, Code::Activated | Code::Renewed)
    }

    /// An attempt that reached no activation: no host, a refusal, a count too low, a MAK
    /// with nothing left — what findings report (not offline waits or state changes).
    pub fn is_failed_attempt(self) -> bool {
        matches!(
            self,
            Code::CountTooLow
                | Code::NoHost
                | Code::ProductRefused
                | Code::HostNotActivated
                | Code::ClockSkew
                | Code::MakExhausted
        )
    }

    /// A plain-language explanation for reports.
    pub fn meaning(self) -> &'static str {
        match self {
            Code::Activated => "count reached the threshold: first activation",
            Code::Renewed => "a licensed machine renewed its activation",
            Code::CountTooLow => {
                "the KMS host answered, but its count is below the product's threshold"
            }
            Code::NoHost => {
                "no KMS host could be contacted (no SRV record, DNS unreachable, every host failed)"
            }
            Code::ProductRefused => {
                "the KMS host's key does not cover this product (its key group or generation)"
            }
            Code::HostNotActivated => {
                "the KMS host is not activated (host key missing or its limits exhausted)"
            }
            Code::ClockSkew => "the client's clock is more than 4 hours off the KMS host's",
            Code::Notification => {
                "grace ended without activation: the machine entered notification mode"
            }
            Code::HardwareChange => "a major hardware change put the machine out of tolerance",
            Code::Offline => {
                "the machine was offline when the attempt was due (it waits until online)"
            }
            Code::MakExhausted => "the multiple activation key (MAK) has no activations left",
        }
    }

    /// Whether the code ends an attempt on a host that answered but refused; these rank
    /// above "no host" when an attempt fails on every host (scenario-format.md).
    pub fn refusal_rank(self) -> u8 {
        match self {
            Code::ProductRefused => 3,
            Code::ClockSkew => 2,
            Code::HostNotActivated => 1,
            _ => 0,
        }
    }
}
