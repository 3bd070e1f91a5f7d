#!/bin/bash
#
# devstack/plugin.sh: install, configure, start and stop zaqar-lite.
#
# Enabled in local.conf with:
#
#     enable_plugin zaqar-lite <git url of zaqar-lite> [branch]
#
# Services (enabled by devstack/settings; disable either one with
# disable_service):
#
#   zaqar-lite-uwsgi      the v2 HTTP API under uWSGI
#   zaqar-lite-websocket  the websocket transport (zaqar-lite-server)
#
# Phases: stack install, stack post-config, stack extra, unstack, clean.

# Save trace setting
_XTRACE_ZAQAR_LITE=$(set +o | grep xtrace)
set -o xtrace


# Functions
# ---------

# is_zaqar_lite_enabled: true if either service of the plugin is enabled.
function is_zaqar_lite_enabled {
    is_service_enabled zaqar-lite-uwsgi zaqar-lite-websocket
}

# install_zaqar_lite: the package (editable, from the plugin's clone),
# uWSGI and, for the redis backend, a Redis server.
function install_zaqar_lite {
    setup_develop "$ZAQAR_LITE_DIR"
    if is_service_enabled zaqar-lite-uwsgi; then
        pip_install uwsgi
    fi
    if [[ "$ZAQAR_LITE_BACKEND" == redis ]]; then
        # Debian and Ubuntu start the server the package installs.
        if is_fedora; then
            install_package redis
            start_service redis
        else
            install_package redis-server
        fi
    fi
}

# _zaqar_lite_make_dirs: configuration, data and log directories, owned by
# the user the services run as.
function _zaqar_lite_make_dirs {
    sudo install -d -o "$STACK_USER" -m 755 "$ZAQAR_LITE_CONF_DIR"
    sudo install -d -o "$STACK_USER" -m 755 "$ZAQAR_LITE_LOG_DIR"
    # The reports say what the processes hold: readable by their owner only.
    install -d -m 700 "$ZAQAR_LITE_REPORTS_DIR"
    install -d -m 700 "$ZAQAR_LITE_DATA_DIR"
}

# _zaqar_lite_configure_common CONF_FILE: what both services share
# (storage, logging).
function _zaqar_lite_configure_common {
    local conf=$1
    iniset "$conf" DEFAULT debug "${ENABLE_DEBUG_LOG_LEVEL:-True}"
    iniset "$conf" drivers message_store "$ZAQAR_LITE_BACKEND"
    if [[ "$ZAQAR_LITE_BACKEND" == redis ]]; then
        iniset "$conf" drivers:message_store:redis uri "$ZAQAR_LITE_REDIS_URI"
    else
        iniset "$conf" drivers:message_store:sqlite path \
            "$ZAQAR_LITE_SQLITE_PATH"
    fi
    iniset "$conf" oslo_reports log_dir "$ZAQAR_LITE_REPORTS_DIR"
}

# _zaqar_lite_configure_websocket: the websocket server's configuration.
# Its reports are asked for with SIGUSR2 (no file_event_handler: the
# trigger file belongs to the uWSGI workers).
function _zaqar_lite_configure_websocket {
    _zaqar_lite_configure_common "$ZAQAR_LITE_CONF"
    iniset "$ZAQAR_LITE_CONF" drivers transport websocket
    iniset "$ZAQAR_LITE_CONF" drivers:transport:websocket bind \
        "$ZAQAR_LITE_SERVICE_HOST"
    iniset "$ZAQAR_LITE_CONF" drivers:transport:websocket port \
        "$ZAQAR_LITE_WEBSOCKET_PORT"
}

# _zaqar_lite_configure_uwsgi_service: the configuration the uWSGI
# application loads; its workers report when the trigger file changes.
function _zaqar_lite_configure_uwsgi_service {
    local conf=$ZAQAR_LITE_UWSGI_SERVICE_CONF
    _zaqar_lite_configure_common "$conf"
    iniset "$conf" oslo_reports file_event_handler "$ZAQAR_LITE_GMR_TRIGGER"
    iniset "$conf" oslo_reports file_event_handler_interval \
        "$ZAQAR_LITE_GMR_INTERVAL"
}

# _zaqar_lite_configure_uwsgi_ini: uWSGI's own ini, with the settings of
# the repository's etc/uwsgi.ini (which explains each of them).
function _zaqar_lite_configure_uwsgi_ini {
    local ini=$ZAQAR_LITE_UWSGI_INI
    local address=$ZAQAR_LITE_SERVICE_HOST:$ZAQAR_LITE_SERVICE_PORT
    rm -f "$ini"
    iniset "$ini" uwsgi env \
        "ZAQAR_LITE_CONFIG_FILE=$ZAQAR_LITE_UWSGI_SERVICE_CONF"
    iniset "$ini" uwsgi module \
        zaqar_lite.transport.wsgi.application:application
    iniset "$ini" uwsgi need-app true
    iniset "$ini" uwsgi http-socket "$address"
    iniset "$ini" uwsgi add-header "Connection: close"
    iniset "$ini" uwsgi master true
    iniset "$ini" uwsgi processes "$ZAQAR_LITE_UWSGI_PROCESSES"
    iniset "$ini" uwsgi single-interpreter true
    # The report threads run in every worker, idle or busy.
    iniset "$ini" uwsgi enable-threads true
    iniset "$ini" uwsgi py-call-osafterfork true
    # SIGUSR2 (12) would otherwise kill the master and its workers.
    iniset "$ini" uwsgi hook-master-start "callint:sigignore 12"
    iniset "$ini" uwsgi die-on-term true
    iniset "$ini" uwsgi vacuum true
    iniset "$ini" uwsgi disable-logging true
}

# configure_zaqar_lite: write every configuration file.
function configure_zaqar_lite {
    _zaqar_lite_make_dirs
    _zaqar_lite_configure_websocket
    _zaqar_lite_configure_uwsgi_service
    _zaqar_lite_configure_uwsgi_ini
}

# _zaqar_lite_wait_for_ping URL: wait until GET URL answers 2xx, or die.
# devstack's wait_for_service takes any HTTP answer for a yes, and the v2
# API answers 400 to a request without its Client-ID and X-Project-ID
# headers: this waits for the real answer.
function _zaqar_lite_wait_for_ping {
    local url=$1
    local deadline=$((SECONDS + ZAQAR_LITE_START_TIMEOUT))
    until curl -g -s -f -o /dev/null --noproxy '*' \
            -H "Client-ID: 5a4e3f1c-2b7d-4c8e-9f60-1d2c3b4a5e6f" \
            -H "X-Project-ID: devstack" "$url"; do
        if (( SECONDS >= deadline )); then
            die $LINENO "zaqar-lite: no answer from $url" \
                "in $ZAQAR_LITE_START_TIMEOUT s"
        fi
        sleep 1
    done
}

# _zaqar_lite_start_uwsgi: the v2 HTTP API, up once /v2/ping answers.
function _zaqar_lite_start_uwsgi {
    run_process zaqar-lite-uwsgi \
        "$ZAQAR_LITE_BIN_DIR/uwsgi --procname-prefix zaqar-lite- --ini $ZAQAR_LITE_UWSGI_INI"
    _zaqar_lite_wait_for_ping \
        "http://$ZAQAR_LITE_SERVICE_HOST:$ZAQAR_LITE_SERVICE_PORT/v2/ping"
}

# _zaqar_lite_start_websocket: the websocket server, up once it answers
# HTTP at all (a plain GET gets autobahn's status page).
# devstack writes a uWSGI unit for any command that contains "uwsgi":
# this one must not.
function _zaqar_lite_start_websocket {
    run_process zaqar-lite-websocket \
        "$ZAQAR_LITE_BIN_DIR/zaqar-lite-server --config-file $ZAQAR_LITE_CONF --transport websocket"
    wait_for_service "$ZAQAR_LITE_START_TIMEOUT" \
        "http://$ZAQAR_LITE_SERVICE_HOST:$ZAQAR_LITE_WEBSOCKET_PORT/" \
        || die $LINENO "zaqar-lite-websocket is not listening"
}

# start_zaqar_lite: start the enabled services and wait for each one.
function start_zaqar_lite {
    if is_service_enabled zaqar-lite-uwsgi; then
        _zaqar_lite_start_uwsgi
    fi
    if is_service_enabled zaqar-lite-websocket; then
        _zaqar_lite_start_websocket
    fi
}

# stop_zaqar_lite: stop both services (stop_process skips a disabled one).
function stop_zaqar_lite {
    stop_process zaqar-lite-uwsgi
    stop_process zaqar-lite-websocket
}

# cleanup_zaqar_lite: remove what stack left: data, configuration, logs.
function cleanup_zaqar_lite {
    sudo rm -rf "$ZAQAR_LITE_DATA_DIR" "$ZAQAR_LITE_CONF_DIR" \
        "$ZAQAR_LITE_LOG_DIR"
}


# Dispatch
# --------

if is_zaqar_lite_enabled; then
    if [[ "$1" == stack && "$2" == install ]]; then
        echo_summary "Installing zaqar-lite"
        install_zaqar_lite
    elif [[ "$1" == stack && "$2" == post-config ]]; then
        echo_summary "Configuring zaqar-lite"
        configure_zaqar_lite
    elif [[ "$1" == stack && "$2" == extra ]]; then
        echo_summary "Starting zaqar-lite"
        start_zaqar_lite
    fi

    if [[ "$1" == unstack ]]; then
        stop_zaqar_lite
    fi

    if [[ "$1" == clean ]]; then
        cleanup_zaqar_lite
    fi
fi

# Restore xtrace
$_XTRACE_ZAQAR_LITE
