"""A rendered document -> its semantic HTML file, beside copies of the images it names.

The HTML opens in a browser as it is: image paths stay relative to the plan
folder, so the images are copied to the same relative places beside it.
"""

from __future__ import annotations

from ..files import write_atomic
from ..media import copy_images
from ..render import RenderedDocument
from . import WriteJob, WriteResult


def write(rendered: RenderedDocument, job: WriteJob) -> WriteResult:
    write_atomic(job.target, rendered.html.encode("utf-8"))
    copy_images(rendered.html, job.plan_folder, job.target.parent)
    return WriteResult(job.target)
