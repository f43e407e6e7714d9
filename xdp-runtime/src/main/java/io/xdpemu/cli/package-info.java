/**
 * The xdpemu command line (the contract in shared/docs/cli.md): argument parsing, subcommands, exit
 * codes, error reporting without stack traces (unless --debug).
 */
package io.xdpemu.cli;
