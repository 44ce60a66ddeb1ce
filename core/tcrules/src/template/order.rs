//! The order of a type's fields as declared in Rust (and so in the form and the JSON
//! examples), which the schema does not keep (its properties are sorted by name): read
//! from the field list serde's derived `Deserialize` hands to `deserialize_struct`.

use serde::de::{self, Deserialize, Deserializer, Visitor};

use crate::model::{
    AutonomyExemption, BudgetLine, BureauxConsultation, CapacityNeeds, ConstituentInvolvement,
    EvaluationPlan, GenderMainstreaming, Governance, Indicator, Links, Outcome, Partnership,
    PlannedEvaluation, Proposal, ResultsFramework, Risk, Stages, Sustainability,
};

/// The declared fields of the proposal's type named `def` in the schema (`None` for the
/// proposal itself), or none for a type not listed here (its fields then go by name).
pub fn declared(def: Option<&str>) -> &'static [&'static str] {
    macro_rules! types {
        ($($t:ident),+) => {
            match def {
                None => fields::<Proposal>(),
                $(Some(stringify!($t)) => fields::<$t>(),)+
                Some(_) => &[],
            }
        };
    }
    types!(
        AutonomyExemption,
        BudgetLine,
        BureauxConsultation,
        CapacityNeeds,
        ConstituentInvolvement,
        EvaluationPlan,
        GenderMainstreaming,
        Governance,
        Indicator,
        Links,
        Outcome,
        Partnership,
        PlannedEvaluation,
        ResultsFramework,
        Risk,
        Stages,
        Sustainability
    )
}

/// The fields `T`'s derived `Deserialize` names, in declaration order.
fn fields<T: Deserialize<'static>>() -> &'static [&'static str] {
    let mut found: &'static [&'static str] = &[];
    // The deserializer stops as soon as it has the list: the error is expected.
    let _ = T::deserialize(FieldNames(&mut found));
    found
}

/// A deserializer that only records the field list of the struct asked of it.
struct FieldNames<'a>(&'a mut &'static [&'static str]);

#[derive(Debug)]
struct Stop;

impl std::fmt::Display for Stop {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("field names read")
    }
}

impl std::error::Error for Stop {}

impl de::Error for Stop {
    fn custom<T: std::fmt::Display>(_: T) -> Self {
        Stop
    }
}

impl<'de> Deserializer<'de> for FieldNames<'_> {
    type Error = Stop;

    fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Stop> {
        Err(Stop)
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        fields: &'static [&'static str],
        _: V,
    ) -> Result<V::Value, Stop> {
        *self.0 = fields;
        Err(Stop)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map enum identifier
        ignored_any
    }
}
