package io.xdpemu.ebpf;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/**
 * Why a file operation failed, in words: NIO's exceptions carry only the path as their message
 * ({@code cannot create output directory X: X}), the reason is in their type or {@link
 * FileSystemException#getReason()}.
 */
public final class IoReasons {
  private IoReasons() {}

  public static String of(IOException e) {
    if (e instanceof NoSuchFileException n) {
      return "no such file or directory" + other(n);
    }
    if (e instanceof AccessDeniedException a) {
      return "permission denied" + other(a);
    }
    if (e instanceof FileAlreadyExistsException f) {
      return "a file is in the way" + other(f);
    }
    if (e instanceof NotDirectoryException n) {
      return "not a directory" + other(n);
    }
    if (e instanceof DirectoryNotEmptyException) {
      return "directory not empty";
    }
    if (e instanceof FileSystemException f && f.getReason() != null) {
      return f.getReason() + other(f);
    }
    String m = e.getMessage();
    return m == null ? e.getClass().getSimpleName() : m;
  }

  /** The path the error concerns when it is another than the one the caller names (a parent). */
  private static String other(FileSystemException e) {
    return e.getFile() == null ? "" : " (" + e.getFile() + ")";
  }
}
