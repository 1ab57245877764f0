"""ingest: files → cleaned `Document`s → sentence-aware `Chunk`s.

Public entry: `Ingestor(config).run(paths) -> IngestResult`.
"""

from .pipeline import IngestConfig, Ingestor
from .records import Chunk, Document, DroppedLine, Frame, IngestResult, Problem, Target

__all__ = ["Ingestor", "IngestConfig", "IngestResult", "Document", "Chunk", "Frame", "DroppedLine",
           "Problem", "Target"]
