package io.xdpemu.oracle;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * One {@code BPF_PROG_TEST_RUN} of an XDP program, as the kernel reported it.
 *
 * @param retval the program's return value (the XDP action, or anything the program returned)
 * @param durationNs the kernel's average duration per repetition, in ns
 * @param metaOut the metadata area after the run (data_meta..data), empty without metadata
 * @param dataOut the frame after the run (data..data_end, plus fragments if any)
 */
public record OracleResult(int retval, long durationNs, byte[] metaOut, byte[] dataOut) {
  public OracleResult {
    metaOut = metaOut.clone();
    dataOut = dataOut.clone();
  }

  @Override
  public byte[] metaOut() {
    return metaOut.clone();
  }

  @Override
  public byte[] dataOut() {
    return dataOut.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof OracleResult r
        && retval == r.retval
        && durationNs == r.durationNs
        && Arrays.equals(metaOut, r.metaOut)
        && Arrays.equals(dataOut, r.dataOut);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * Integer.hashCode(retval) + Arrays.hashCode(metaOut))
        + Arrays.hashCode(dataOut);
  }

  @Override
  public String toString() {
    HexFormat hex = HexFormat.of();
    return "OracleResult[retval="
        + Integer.toUnsignedString(retval)
        + ", durationNs="
        + durationNs
        + ", metaOut="
        + hex.formatHex(metaOut)
        + ", dataOut="
        + hex.formatHex(dataOut)
        + "]";
  }
}
