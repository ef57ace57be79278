# Run by every grading kernel before the notebook's first cell (IPKernelApp.exec_files, set by
# course_utils.grading.sandbox): the memory limit, then the guard of course_utils.grading.guard.
# exec_files runs it in the notebook's namespace (__name__ == "__main__"); imported as a module
# (pytest's doctest collection, a linter) it does nothing, so no other process gets sealed.
if __name__ == "__main__":
    import course_utils.grading.guard as _course_guard

    _course_guard.install()
    del _course_guard
