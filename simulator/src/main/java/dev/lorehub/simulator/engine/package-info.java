/**
 * The deterministic simulation engine: a discrete-event loop on one thread with a virtual clock,
 * driving real node cores ({@code Replica}, {@code ReplicaSyncStore}, {@code SyncSession}) over a
 * simulated network. Sans-IO in the sense of DESIGN.md §4 (no wall clock, no threads, no unseeded
 * randomness; enforced by {@code SimulatorArchitectureTest}): every run is a pure function of its
 * {@link dev.lorehub.simulator.engine.SimConfig}, and the same seed gives the same trace hash.
 */
package dev.lorehub.simulator.engine;
