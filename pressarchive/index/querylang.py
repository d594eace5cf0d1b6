"""The query language's parser: the text a person typed -> a validated :mod:`querytree`.

(Slot for issue 13: being written. Until it lands, engines parse with Whoosh's parser.)
"""
