package io.xdpemu.runtime;

import io.xdpemu.ebpf.MalformedInputException;
import io.xdpemu.ebpf.btf.Btf;
import java.nio.file.Path;

/**
 * {@code --btf FILE}: raw BTF that is either standalone (a whole vmlinux-like type graph) or split
 * on top of the base (what {@code /sys/kernel/btf/<module>} holds). Raw BTF does not say which; as
 * the string and type references of split BTF point past its own sections, a file that does not
 * parse standalone is read again as split on the base.
 */
final class TargetBtf {
  private TargetBtf() {}

  static Btf read(Path file, Btf base) {
    try {
      return Btf.read(file);
    } catch (MalformedInputException standalone) {
      try {
        return Btf.read(file, base);
      } catch (MalformedInputException split) {
        if (split.getMessage().equals(standalone.getMessage())) {
          throw split; // broken either way (header, magic, truncation): say it once
        }
        throw new MalformedInputException(
            split.getMessage()
                + " (read as split BTF on the base;"
                + " as standalone BTF: "
                + standalone.getMessage()
                + ")",
            split);
      }
    }
  }
}
