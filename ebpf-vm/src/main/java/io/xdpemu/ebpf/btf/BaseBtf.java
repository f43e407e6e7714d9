package io.xdpemu.ebpf.btf;

import io.xdpemu.ebpf.MalformedInputException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The base (kernel) BTF that CO-RE relocates against and that NIC split BTF sits on: an explicit
 * file ({@code --vmlinux}), else the running kernel's {@code /sys/kernel/btf/vmlinux} when
 * readable, else the bundled subset {@code base-vmlinux.btf} (see BASE_BTF.md next to it and {@link
 * BaseBtfGenerator}). The bundled base has the layouts of a real 6.18 kernel but its own, dense
 * type ids, so {@code bpf_core_type_id_kernel} answers differ from a real vmlinux.
 */
public final class BaseBtf {
  private BaseBtf() {}

  public static final Path SYSFS_VMLINUX = Path.of("/sys/kernel/btf/vmlinux");
  public static final String BUNDLED_RESOURCE = "base-vmlinux.btf";

  private static Btf bundled;
  private static Btf host;

  /** override (if non-null) &gt; /sys/kernel/btf/vmlinux (if readable) &gt; bundled. */
  public static Btf load(Path vmlinuxOverride) {
    if (vmlinuxOverride != null) {
      return Btf.read(vmlinuxOverride);
    }
    if (Files.isReadable(SYSFS_VMLINUX)) {
      return hostVmlinux();
    }
    return bundled();
  }

  /** The running kernel's BTF, parsed once. */
  public static synchronized Btf hostVmlinux() {
    if (host == null) {
      host = Btf.read(SYSFS_VMLINUX);
    }
    return host;
  }

  /** The bundled subset of a real vmlinux, parsed once. */
  public static synchronized Btf bundled() {
    if (bundled == null) {
      try (InputStream in = BaseBtf.class.getResourceAsStream(BUNDLED_RESOURCE)) {
        if (in == null) {
          throw new MalformedInputException(
              "malformed build: bundled " + BUNDLED_RESOURCE + " missing from the classpath");
        }
        bundled = BtfReader.read(in.readAllBytes(), null, "bundled " + BUNDLED_RESOURCE);
      } catch (IOException e) {
        throw new MalformedInputException(
            "malformed build: cannot read bundled " + BUNDLED_RESOURCE + ": " + e.getMessage(), e);
      }
    }
    return bundled;
  }
}
