"""Visa invitation letters: attendees registered in person ask for one, organisers of
the "Visa letters" group decide, the letter is a document of the ``visa_letter`` kind.
The passport details are encrypted at rest, shown only to that group and to their
owner, every look at them is logged, and they are erased after the edition."""
