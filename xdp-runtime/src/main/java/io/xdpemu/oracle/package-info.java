/**
 * The kernel as the oracle: loads objects into the running kernel (libbpf) and runs them with
 * BPF_PROG_TEST_RUN, for xdpemu diff and the differential tests.
 */
package io.xdpemu.oracle;
