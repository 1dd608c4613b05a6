"""Whisper transcription: offline models, two engines, text clean-up, jobs and exports."""
