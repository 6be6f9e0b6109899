//! What the scheme benches share: one built-in workload of
//! `idbridge_vectors::bench` beside its floor, on every backend of this
//! build, in the same run.
//!
//! The floor is the workload's recorded signature checks re-run alone,
//! plus its `floor_extra` (the user's signature for Smart-ID and Mobile-ID;
//! nothing for the others).

use criterion::Criterion;
use idbridge::crypto;
use idbridge_vectors::bench;

/// The criterion settings of these benches: 20 samples, 4 s each.
pub fn config() -> Criterion {
    Criterion::default()
        .sample_size(20)
        .measurement_time(std::time::Duration::from_secs(4))
}

/// Benches workload `name` as `<name>/<backend>/<function>` beside
/// `<name>/<backend>/floor`, after checking that one verification records
/// `checks` signature checks.
pub fn verifier_beside_floor(c: &mut Criterion, name: &str, function: &str, checks: usize) {
    bench::with_workloads(|workloads| {
        let w = workloads.iter().find(|w| w.name == name).unwrap();
        eprintln!("{name}: {}", w.input);
        for backend in crypto::backends() {
            let recorded = w.floor_checks(*backend).unwrap();
            assert_eq!(recorded.len(), checks, "{name}");
            let floor = || {
                for check in &recorded {
                    backend.verify(check).unwrap();
                }
                w.floor_extra().unwrap();
            };
            floor();
            let mut group = c.benchmark_group(format!("{name}/{}", backend.name()));
            group.bench_function(function, |b| b.iter(|| w.verify(*backend).unwrap()));
            group.bench_function("floor", |b| b.iter(floor));
            group.finish();
        }
    })
    .unwrap();
}
