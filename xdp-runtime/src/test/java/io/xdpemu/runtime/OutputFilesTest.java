package io.xdpemu.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.xdpemu.ebpf.UsageException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutputFilesTest {
  @Test
  void anOutputDirectoryThatCannotBeCreatedSaysWhy(@TempDir Path tmp) throws Exception {
    Path file = Files.writeString(tmp.resolve("plain-file"), "x");
    Path dir = file.resolve("out");
    UsageException e = assertThrows(UsageException.class, () -> OutputFiles.directory(dir));
    assertEquals("cannot create output directory " + dir + ": Not a directory", e.getMessage());
  }

  @Test
  void nothingAppearsWithoutACommit(@TempDir Path tmp) throws Exception {
    Path target = tmp.resolve("summary.json");
    try (OutputFiles out = new OutputFiles()) {
      Files.writeString(out.temp(target), "{}");
    }
    assertFalse(Files.exists(target));
    try (var left = Files.list(tmp)) {
      assertEquals(0, left.count());
    }
  }
}
