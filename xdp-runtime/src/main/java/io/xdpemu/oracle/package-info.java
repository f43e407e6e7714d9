/**
 * The kernel as the oracle: loads objects into the running kernel (libbpf) and runs them with
 * BPF_PROG_TEST_RUN, for xdpemu diff and the differential tests.
 *
 * <p>{@link io.xdpemu.oracle.KernelOracle} is the API: {@code available()}/{@code
 * unavailableReason()}, {@code open(object, program, customBtf)}, {@code run(meta, frame, repeat)}
 * returning an {@link io.xdpemu.oracle.OracleResult}, {@code update(map, key, value)}, {@code
 * maps()} returning {@link io.xdpemu.oracle.MapContents} by name, {@code close()}. Behind it runs
 * {@code xdpemu-oracle}, a small C program ({@code src/main/c/xdpemu-oracle.c}, which documents the
 * line protocol) that {@link io.xdpemu.oracle.OracleBinary} compiles with gcc and libbpf into a
 * cache directory at first use. {@link io.xdpemu.oracle.KernelFacts} holds what the kernel accepts
 * as test-run input, measured on Linux 6.18.
 */
package io.xdpemu.oracle;
