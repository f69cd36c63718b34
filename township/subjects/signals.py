"""Signals of the subject registry, for apps that keep values derived from a subject's rows.

``subject_merged(sender=Subject, survivor=…, merged=…, correction=…)`` is sent after the merge has committed:
e.g. credit recomputes the survivor's grade from the records it now holds (subjects cannot call credit: credit
depends on subjects).
"""

from django.dispatch import Signal

subject_merged = Signal()
