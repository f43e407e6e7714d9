package io.xdpemu.ebpf.maps;

/**
 * The errno values maps and helpers return (negated, as the kernel's helpers do), from
 * include/uapi/asm-generic/errno-base.h, errno.h and include/linux/errno.h (ENOTSUPP is
 * kernel-internal, 524).
 */
public final class Errno {
  public static final int EPERM = 1;
  public static final int ENOENT = 2;
  public static final int E2BIG = 7;
  public static final int EAGAIN = 11;
  public static final int ENOMEM = 12;
  public static final int EACCES = 13;
  public static final int EFAULT = 14;
  public static final int EBUSY = 16;
  public static final int EEXIST = 17;
  public static final int ENODEV = 19;
  public static final int EINVAL = 22;
  public static final int ENOSPC = 28;
  public static final int ERANGE = 34;
  public static final int ENODATA = 61;
  public static final int EOVERFLOW = 75;
  public static final int EMSGSIZE = 90;
  public static final int EOPNOTSUPP = 95;
  public static final int ENOTSUPP = 524;

  /** EBADF (9): an fd (here: a program or map id) that names nothing. */
  public static final int EBADF = 9;

  private Errno() {}
}
