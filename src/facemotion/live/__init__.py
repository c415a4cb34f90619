"""Real-time capture: newest-frame sources, Live Link Face and VMC senders, the live loop."""
