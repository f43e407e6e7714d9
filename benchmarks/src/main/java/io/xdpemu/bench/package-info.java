/**
 * JMH benchmarks (module benchmarks), packaged as {@code benchmarks/target/benchmarks.jar}; depends
 * on xdp-runtime only. One class per subject, each with a {@code baseline} that does everything but
 * the measured work: {@link io.xdpemu.bench.InterpreterBench} (ns per instruction), {@link
 * io.xdpemu.bench.ProgramBench} (ns per packet per example program), {@link
 * io.xdpemu.bench.NicBench} (ns per packet per firmware), {@link io.xdpemu.bench.ReplayBench} (Mpps
 * end to end), {@link io.xdpemu.bench.LoadBench}, {@link io.xdpemu.bench.BtfParseBench} and {@link
 * io.xdpemu.bench.CorpusVerifyBench} (the load pipeline). Inputs come from {@link
 * io.xdpemu.bench.BenchInputs}. How to run and read them: benchmarks/README.md; figures:
 * benchmarks/RESULTS.md.
 */
package io.xdpemu.bench;
