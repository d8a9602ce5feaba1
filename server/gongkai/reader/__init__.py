"""Reading a 公文: its elements (GB/T 9704-2012) from the text as given, each with the span
where it is printed, so a drafting UI can highlight it and a check can use it as facts.

A layer of its own at the bottom: it knows nothing of the law, the engine or the network.
"""
