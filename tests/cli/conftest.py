from piano_data_helpers import prepared_data_dir  # noqa: F401
from stack_fixtures import stack  # noqa: F401
