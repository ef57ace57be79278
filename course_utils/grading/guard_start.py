# Run by every grading kernel before the notebook's first cell (IPKernelApp.exec_files, set by
# course_utils.grading.sandbox): the memory limit, then the guard of course_utils.grading.guard.
import course_utils.grading.guard as _course_guard

_course_guard.install()
del _course_guard
