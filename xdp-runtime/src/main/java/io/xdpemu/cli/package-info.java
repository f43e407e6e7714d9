/**
 * The xdpemu command line (the contract in shared/docs/cli.md) on picocli: {@link
 * io.xdpemu.cli.Cli} holds the command tree, each subcommand is a {@link io.xdpemu.cli.Subcommand}
 * class, {@link io.xdpemu.cli.CommonOptions} the shared options; {@link io.xdpemu.cli.Main} maps
 * errors to exit codes, without stack traces unless --debug.
 */
package io.xdpemu.cli;
