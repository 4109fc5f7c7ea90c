"""The trainers' tools: quotation check (verify), manuscript audit, study packs and the Word files they make."""
