"""The action server in one process: rasa-sdk's app and arguments, served without Sanic's worker manager.

``python -m rasa_sdk`` serves through Sanic's manager: a manager process that imports the actions too, a
multiprocessing resource tracker, a helper and the worker (``bench/bot_bench.py`` prints the server's RSS, all its
processes). The manager's one use here would be restarting a dead worker, which the supervisor (``doradca bot
run``) and systemd already do for the whole server.

Run: ``python -m services.action_server --actions actions --port 5055`` (rasa-sdk's arguments; listens on
``SANIC_HOST``, 127.0.0.1 unless set).
"""

from __future__ import annotations

import sys
import threading

# scikit-learn imports pandas whenever it is installed (only `doradca corpus fetch` needs it): ~30 MB that
# serving never uses (bench/memory_bench.py). Marking it absent makes scikit-learn go on without it.
sys.modules.setdefault("pandas", None)  # type: ignore[arg-type]

from rasa_sdk import utils  # noqa: E402 - after the pandas guard
from rasa_sdk.constants import APPLICATION_ROOT_LOGGER_NAME  # noqa: E402
from rasa_sdk.endpoint import create_app_for_serve, create_argument_parser, create_ssl_config  # noqa: E402
from rasa_sdk.executor import ActionExecutor  # noqa: E402
from sanic import Sanic  # noqa: E402

from index.config import settings  # noqa: E402


def main(argv: list[str] | None = None) -> None:
    args = create_argument_parser().parse_args(argv)
    utils.configure_colored_logging(args.loglevel)
    utils.configure_file_logging(utils.logging.getLogger(APPLICATION_ROOT_LOGGER_NAME), args.log_file,
                                 args.loglevel, args.logging_config_file)
    utils.update_sanic_log_level()
    executor = ActionExecutor()
    executor.register_package(args.actions_module or args.actions)
    app = create_app_for_serve(executor, cors_origins=args.cors, endpoints=args.endpoints)

    @app.after_server_start
    async def load_core(app: Sanic) -> None:
        # loaded now, not at the first chat message: the web process starting beside it shares this copy
        from actions.runtime import searcher

        threading.Thread(target=searcher, name="load-core", daemon=True).start()

    app.prepare(host=settings().sanic_host, port=args.port, single_process=True, motd=False,
                ssl=create_ssl_config(args.ssl_certificate, args.ssl_keyfile, args.ssl_password))
    Sanic.serve_single(app)


if __name__ == "__main__":
    main()
