package io.xdpemu.ebpf.elf;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** Loads the committed fixture objects of {@code src/test/resources/elf/}. */
final class Fixtures {
  private Fixtures() {}

  static byte[] bytes(String name) {
    try (InputStream in = Fixtures.class.getResourceAsStream("/elf/" + name)) {
      if (in == null) {
        throw new IllegalStateException("missing fixture /elf/" + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static BpfObject object(String name) {
    return BpfObjectReader.read(name, bytes(name));
  }
}
