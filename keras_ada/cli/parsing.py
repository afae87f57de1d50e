"""The parser of the command line, whose subcommands may take their options
between their positional arguments."""

import argparse


class CommandParser(argparse.ArgumentParser):
    """An `ArgumentParser` that parses as `parse_intermixed_args` when made
    with `intermixed=True`, also as a subcommand's parser.

    `parse_intermixed_args` refuses a parser that has subcommands, and a
    subcommand's parser is called by its parent: an intermixed subcommand
    therefore parses its own arguments intermixed, whichever way the top
    parser is called. Subparsers are of the class of their parent, so a
    subcommand asks for it with `subparsers.add_parser(name, intermixed=True)`.

    Args:
        intermixed: whether options may stand between the positional
            arguments: with `positional` taking `nargs="*"`, `RUN a.wav
            --output o b.wav` gives it `a.wav b.wav`.
        **kwargs: the arguments of `argparse.ArgumentParser`.

    Example:

    >>> parser = CommandParser(prog="reconstruct", intermixed=True)
    >>> _ = parser.add_argument("audio", nargs="*")
    >>> _ = parser.add_argument("--output")
    >>> parser.parse_args(["a.wav", "--output", "o", "b.wav"]).audio
    ['a.wav', 'b.wav']
    """

    def __init__(self, *args, intermixed: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.intermixed = intermixed

    def parse_known_args(self, args=None, namespace=None):
        if not self.intermixed:
            return super().parse_known_args(args, namespace)
        # parse_known_intermixed_args parses in two passes of parse_known_args.
        self.intermixed = False
        try:
            return self.parse_known_intermixed_args(args, namespace)
        finally:
            self.intermixed = True
