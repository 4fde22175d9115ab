/*
 * The Particle Photon board: an STM32F205RG, its RGB and D7 LEDs, the SETUP
 * and RESET buttons, the BCM43362 Wi-Fi chip and, beyond its radio, the
 * simulated network and device cloud; plus the run-time plumbing photon-sim
 * needs (a stop at a virtual time, reset-cause bookkeeping, the report files,
 * the window, screenshots and a control channel).
 *
 *   qemu-system-arm -M photon,flash=IMAGE[,uid=HEX24][,seed=N][,wifi=SSID:PASS]
 *                   [,report-dir=DIR][,until=SECONDS][,strict=on][,pcap=FILE]
 *                   [,cloud-dir=DIR][,screenshot=T:FILE.png][,control=CHARDEV]
 *                   [,scenario=FILE.yaml]
 *                   -icount shift=3,sleep=off -display none
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "qemu/osdep.h"
#include <math.h>
#include "qemu/units.h"
#include "qemu/cutils.h"
#include "qemu/error-report.h"
#include "qapi/error.h"
#include "qapi/visitor.h"
#include "hw/boards.h"
#include "hw/qdev-properties.h"
#include "hw/qdev-properties-system.h"
#include "hw/qdev-clock.h"
#include "hw/irq.h"
#include "hw/arm/boot.h"
#include "sysemu/sysemu.h"
#include "sysemu/runstate.h"
#include "sysemu/cpu-timers.h"
#include "sysemu/reset.h"
#include "hw/core/cpu.h"
#include "target/arm/arm-powerctl.h"
#include "hw/photon/board/photon_machine.h"
#include "hw/photon/board/photon_scenario.h"
#include "hw/photon/peripherals/photon_unimp.h"
#include "chardev/char.h"
#include "exec/fast-time.h"

static void photon_reset_now(CPUState *cpu, run_on_cpu_data data)
{
    qemu_system_reset(SHUTDOWN_CAUSE_GUEST_RESET);
}

/*
 * Resets requested by the guest or by virtual-time events happen on the vCPU
 * thread: doing the reset there, as CPU work at the next translation-block
 * boundary, puts it at a deterministic instruction. A request through the
 * main loop would let the vCPU run on for as long as the host takes to
 * notice, and virtual time with it.
 */
static void photon_request_reset(PhotonMachineState *m, uint32_t csr_flags,
                                 const char *cause)
{
    stm32f2_rcc_note_reset_cause(&m->soc.rcc, csr_flags);
    photon_report_reset(&m->report, qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL), cause);
    if (qemu_cpu_is_self(first_cpu)) {
        async_run_on_cpu(first_cpu, photon_reset_now, RUN_ON_CPU_NULL);
    } else {
        qemu_system_reset_request(SHUTDOWN_CAUSE_GUEST_RESET);
    }
}

static void photon_sysresetreq(void *opaque, int n, int level)
{
    if (level) {
        photon_request_reset(opaque, STM32F2_RCC_CSR_SFTRSTF | STM32F2_RCC_CSR_PINRSTF,
                             "software");
    }
}

static void photon_iwdg_reset(void *opaque, int n, int level)
{
    if (level) {
        photon_request_reset(opaque, STM32F2_RCC_CSR_IWDGRSTF | STM32F2_RCC_CSR_PINRSTF,
                             "watchdog");
    }
}

static void photon_pin_reset(void *opaque)
{
    photon_request_reset(opaque, STM32F2_RCC_CSR_PINRSTF, "RESET button");
}

/*
 * Power lost: the backup domain (RTC, backup registers) has no battery on the
 * bench, so it is lost along with RAM; only the flash keeps its contents.
 * The chip restarts when power returns, with the power-on reset flags.
 */
static void photon_power_off_now(CPUState *cpu, run_on_cpu_data data)
{
    PhotonMachineState *m = data.host_ptr;

    /* Every device to its reset state (LED dark, Wi-Fi chip unpowered), and the core
     * stopped until power returns: with icount, virtual time runs on meanwhile. The
     * flash interface stays dead (the reset revived it) until the power-on reset. */
    qemu_system_reset(SHUTDOWN_CAUSE_GUEST_RESET);
    qemu_set_irq(qdev_get_gpio_in_named(DEVICE(&m->soc.flash), "power-loss", 0), 1);
    arm_set_cpu_off(ARM_CPU(cpu)->mp_affinity);
}

static void photon_power_loss(void *opaque)
{
    PhotonMachineState *m = opaque;
    int64_t now = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);

    photon_report_event(&m->report, now, "power lost");
    stm32f2_rcc_power_loss(&m->soc.rcc);
    qemu_set_irq(qdev_get_gpio_in_named(m->soc.rtc, "power-loss", 0), 1);
    qemu_set_irq(qdev_get_gpio_in_named(DEVICE(&m->soc.flash), "power-loss", 0), 1);
    memset(memory_region_get_ram_ptr(&m->soc.bkpsram), 0,
           memory_region_size(&m->soc.bkpsram));
    if (qemu_cpu_is_self(first_cpu)) {
        async_run_on_cpu(first_cpu, photon_power_off_now, RUN_ON_CPU_HOST_PTR(m));
    } else {
        run_on_cpu(first_cpu, photon_power_off_now, RUN_ON_CPU_HOST_PTR(m));
    }
}

static void photon_power_restored(void *opaque)
{
    PhotonMachineState *m = opaque;

    qemu_set_irq(qdev_get_gpio_in_named(DEVICE(&m->soc.flash), "power-loss", 0), 0);
    photon_request_reset(opaque, STM32F2_RCC_CSR_PORRSTF | STM32F2_RCC_CSR_PINRSTF |
                         STM32F2_RCC_CSR_BORRSTF, "power on");
}

static void photon_wl_reg_on(void *opaque, int n, int level)
{
    PhotonMachineState *m = opaque;

    photon_report_event(&m->report, qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL),
                        level ? "WL_REG_ON high (Wi-Fi chip powered)" :
                                "WL_REG_ON low (Wi-Fi chip held in reset)");
    qemu_set_irq(qdev_get_gpio_in_named(DEVICE(&m->wifi), "wl-reg-on", 0), level);
}

static void photon_led_changed(void *opaque, int64_t t_ns, PhotonLedColour colour,
                               bool d7)
{
    PhotonMachineState *m = opaque;

    photon_report_led(&m->report, t_ns, colour.r, colour.g, colour.b, d7);
}

static void photon_frame_to_network(void *opaque, const uint8_t *frame, size_t len)
{
    PhotonMachineState *m = opaque;

    photon_network_from_device(&m->network, frame, len);
}

static void photon_frame_to_device(void *opaque, const uint8_t *frame, size_t len)
{
    PhotonMachineState *m = opaque;

    bcm43362_card_deliver(&m->wifi, frame, len);
}

static void photon_network_line(void *opaque, int64_t t_ns, const char *line)
{
    PhotonMachineState *m = opaque;

    photon_report_cloud_line(&m->report, t_ns, line);
}

static void photon_wifi_line(void *opaque, const char *line)
{
    PhotonMachineState *m = opaque;

    photon_report_cloud_line(&m->report, qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL), line);
}

static void photon_cloud_notice(void *opaque, const cloud_notice *notice)
{
    PhotonMachineState *m = opaque;

    photon_control_cloud_notice(&m->control, notice);
    if (m->scenario) {
        photon_scenario_cloud_notice(m->scenario, notice);
    }
}

static void photon_machine_exit(Notifier *n, void *data)
{
    PhotonMachineState *m = container_of(n, PhotonMachineState, exit_notifier);

    photon_network_finish(&m->network);
    photon_usb_host_finish(&m->usb);
}

static void photon_display_view(void *opaque, PhotonDisplayView *view)
{
    PhotonMachineState *m = opaque;

    view->led_r = m->led.shown.r;
    view->led_g = m->led.shown.g;
    view->led_b = m->led.shown.b;
    view->d7 = m->led.shown_d7;
    view->setup_held = m->controls.setup_held;
    view->reset_held = m->controls.reset_held;
    view->pattern = photon_report_current_pattern(&m->report);
}

void photon_machine_end_run(PhotonMachineState *m, const char *reason)
{
    int64_t now = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);

    photon_report_end(&m->report, now);
    photon_network_finish(&m->network);
    photon_usb_host_finish(&m->usb);
    photon_report_set_exit_reason(&m->report, reason);
    qemu_system_shutdown_request(SHUTDOWN_CAUSE_HOST_QMP_QUIT);
    if (current_cpu) {
        cpu_exit(current_cpu);  /* stop at once rather than at the next deadline */
    }
}

static void photon_until_reached(void *opaque)
{
    PhotonMachineState *m = opaque;

    if (m->scenario) {
        photon_scenario_finish(m->scenario, qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL));
    }
    photon_machine_end_run(m, "until");
}

/* "SSID:PASSPHRASE" (WPA2-PSK) or "SSID" (open), on channel 6. */
static bool photon_add_access_point(PhotonMachineState *m, const char *spec, Error **errp)
{
    struct bcm43362_ap ap = {
        .bssid = { 0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0x01 },
        .channel = 6,
        .rssi_dbm = -45,
    };
    const char *colon = strchr(spec, ':');
    size_t ssid_len = colon ? colon - spec : strlen(spec);

    if (ssid_len < 1 || ssid_len > 32) {
        error_setg(errp, "wifi=%s: the SSID must be 1 to 32 characters", spec);
        return false;
    }
    memcpy(ap.ssid, spec, ssid_len);
    if (colon) {
        ap.security = BCM43362_SECURITY_WPA2_PSK;
        pstrcpy(ap.passphrase, sizeof(ap.passphrase), colon + 1);
    }
    if (!bcm43362_ap_add(m->wifi.chip, &ap)) {
        error_setg(errp, "wifi=%s: not a valid access point (WPA2 passphrases have "
                   "8 to 63 characters)", spec);
        return false;
    }
    return true;
}

static bool parse_uid(const char *hex, uint8_t uid[STM32F205RG_UID_BYTES], Error **errp)
{
    if (strlen(hex) != 2 * STM32F205RG_UID_BYTES) {
        error_setg(errp, "uid must be %d hex digits, got '%s'",
                   2 * STM32F205RG_UID_BYTES, hex);
        return false;
    }
    for (int i = 0; i < STM32F205RG_UID_BYTES; i++) {
        char byte[3] = { hex[2 * i], hex[2 * i + 1], 0 };
        char *end;

        uid[i] = strtoul(byte, &end, 16);
        if (*end || !g_ascii_isxdigit(byte[0]) || !g_ascii_isxdigit(byte[1])) {
            error_setg(errp, "uid: '%s' is not hex (at digit %d)", hex, 2 * i + 1);
            return false;
        }
    }
    return true;
}

static void photon_machine_init(MachineState *ms)
{
    PhotonMachineState *m = PHOTON_MACHINE(ms);
    /* Default device identity, a plausible STM32 UID. */
    static const uint8_t default_uid[STM32F205RG_UID_BYTES] = {
        0x32, 0x00, 0x1f, 0x00, 0x0c, 0x47, 0x34, 0x33, 0x37, 0x33, 0x34, 0x37,
    };
    uint8_t *uid = m->uid;
    DeviceState *soc;
    DeviceState *gpio_a, *gpio_c;
    double until_s = 0;

    if (!m->flash_file) {
        error_report("photon: a flash image is required: -M photon,flash=IMAGE "
                     "(create one with `photon-sim flash`)");
        exit(1);
    }
    memcpy(uid, default_uid, sizeof(default_uid));
    if (m->uid_hex && !parse_uid(m->uid_hex, uid, &error_fatal)) {
        exit(1);
    }
    if (m->until && (qemu_strtod(m->until, NULL, &until_s) < 0 || until_s <= 0)) {
        error_report("photon: until=%s is not a positive number of seconds", m->until);
        exit(1);
    }
    if (m->scenario_file) {
        m->scenario = photon_scenario_load(m, m->scenario_file, &error_fatal);
        if (until_s <= 0) {
            until_s = photon_scenario_until_ns(m->scenario) / 1e9;
        }
    }
    photon_unimp_set_strict(m->strict);
    m->report.profile = m->profile;
    m->report.speed.fast_io = !m->slow_io;
    photon_report_open(&m->report, m->report_dir, &error_fatal);

    m->sysclk = clock_new(OBJECT(ms), "SYSCLK");
    clock_set_hz(m->sysclk, STM32F205RG_CPU_HZ);

    object_initialize_child(OBJECT(ms), "soc", &m->soc, TYPE_STM32F205RG_SOC);
    soc = DEVICE(&m->soc);
    qdev_prop_set_string(soc, "flash-file", m->flash_file);
    qdev_prop_set_uint64(soc, "rng-seed", m->seed);
    m->soc.usart1_chr = serial_hd(0);
    stm32f205rg_set_uid(&m->soc, uid);
    qdev_connect_clock_in(soc, "sysclk", m->sysclk);
    sysbus_realize(SYS_BUS_DEVICE(&m->soc), &error_fatal);
    /* Read when blocks are translated and run, so set before the CPU runs. */
    fast_time_idle_skip = !m->no_idle_skip;
    fast_time_in_block_io = !m->slow_io;
    gpio_a = DEVICE(&m->soc.gpio[PORT_A]);
    gpio_c = DEVICE(&m->soc.gpio[PORT_C]);

    /* Resets the firmware can cause, with the flags RCC_CSR shows after. */
    qdev_connect_gpio_out_named(DEVICE(&m->soc.armv7m), "SYSRESETREQ", 0,
                                qemu_allocate_irq(photon_sysresetreq, m, 0));
    qdev_connect_gpio_out_named(m->soc.iwdg, "reset", 0,
                                qemu_allocate_irq(photon_iwdg_reset, m, 0));

    /* LEDs. */
    object_initialize_child(OBJECT(ms), "led", &m->led, TYPE_PHOTON_LED);
    qdev_realize(DEVICE(&m->led), NULL, &error_fatal);
    for (int i = 0; i < 3; i++) {
        qdev_connect_gpio_out_named(DEVICE(&m->soc.tim2), "pwm", TIM2_CH_RED + i,
                                    qdev_get_gpio_in_named(DEVICE(&m->led), "rgb", i));
    }
    qdev_connect_gpio_out_named(gpio_a, "output", PIN_D7_LED,
                                qdev_get_gpio_in_named(DEVICE(&m->led), "d7", 0));
    photon_led_set_observer(&m->led, photon_led_changed, m);

    /* Buttons and power. SETUP is a switch to ground: released, nothing drives PC7. */
    object_initialize_child(OBJECT(ms), "controls", &m->controls, TYPE_PHOTON_CONTROLS);
    m->controls.pin_reset = photon_pin_reset;
    m->controls.power_loss = photon_power_loss;
    m->controls.power_restored = photon_power_restored;
    m->controls.board = m;
    qdev_realize(DEVICE(&m->controls), NULL, &error_fatal);
    qdev_connect_gpio_out_named(DEVICE(&m->controls), "setup-pin", 0,
                                qdev_get_gpio_in_named(gpio_c, "drive", PIN_SETUP_BUTTON));
    qemu_set_irq(qdev_get_gpio_in_named(gpio_c, "drive", PIN_SETUP_BUTTON),
                 STM32F2_GPIO_RELEASED);
    /* The BCM43362 on the SDIO bus, powered by WL_REG_ON. */
    object_initialize_child(OBJECT(ms), "bcm43362", &m->wifi, TYPE_BCM43362_CARD);
    qdev_prop_set_uint64(DEVICE(&m->wifi), "seed", m->seed);
    qdev_realize(DEVICE(&m->wifi), NULL, &error_fatal);
    bcm43362_card_plug(&m->wifi, STM32F2_SDIO(m->soc.sdio));
    bcm43362_card_set_log(&m->wifi, photon_wifi_line, m);
    if (m->access_point && !photon_add_access_point(m, m->access_point, &error_fatal)) {
        exit(1);
    }

    /* The LAN, the internet and the device cloud behind the access point. */
    object_initialize_child(OBJECT(ms), "network", &m->network, TYPE_PHOTON_NETWORK);
    qdev_prop_set_uint64(DEVICE(&m->network), "seed", m->seed);
    if (m->pcap) {
        qdev_prop_set_string(DEVICE(&m->network), "pcap", m->pcap);
    }
    if (m->cloud_dir) {
        qdev_prop_set_string(DEVICE(&m->network), "cloud-dir", m->cloud_dir);
    }
    photon_network_set_log(&m->network, photon_network_line, m);
    if (m->scenario) {
        photon_scenario_configure_network(m->scenario);
    }
    qdev_realize(DEVICE(&m->network), NULL, &error_fatal);
    photon_network_set_device(&m->network, photon_frame_to_device, m);
    bcm43362_card_set_network(&m->wifi, photon_frame_to_network, m);
    /* The control channel photon-sim cloud ... talks to. */
    object_initialize_child(OBJECT(ms), "control-channel", &m->control, TYPE_PHOTON_CONTROL);
    if (m->control_chardev) {
        Chardev *chr = qemu_chr_find(m->control_chardev);

        if (!chr) {
            error_report("photon: control=%s: no such chardev", m->control_chardev);
            exit(1);
        }
        qdev_prop_set_chr(DEVICE(&m->control), "chardev", chr);
    }
    qdev_realize(DEVICE(&m->control), NULL, &error_fatal);
    photon_control_set_cloud(&m->control, m->network.cloud);
    photon_network_set_notice(&m->network, photon_cloud_notice, m);

    /* The PC on the USB cable: enumerates the firmware and bridges its Serial. */
    object_initialize_child(OBJECT(ms), "usb-host", &m->usb, TYPE_PHOTON_USB_HOST);
    photon_usb_host_attach(&m->usb, STM32F2_OTG(m->soc.otg));
    if (m->usb_serial_chardev) {
        Chardev *chr = qemu_chr_find(m->usb_serial_chardev);

        if (!chr) {
            error_report("photon: usb-serial=%s: no such chardev", m->usb_serial_chardev);
            exit(1);
        }
        qdev_prop_set_chr(DEVICE(&m->usb), "chardev", chr);
    }
    if (m->report_dir) {
        qdev_prop_set_string(DEVICE(&m->usb), "report-dir", m->report_dir);
    }
    qdev_prop_set_bit(DEVICE(&m->usb), "plugged", !m->usb_unplugged);
    qdev_realize(DEVICE(&m->usb), NULL, &error_fatal);

    m->exit_notifier.notify = photon_machine_exit;
    qemu_add_exit_notifier(&m->exit_notifier);
    qdev_connect_gpio_out_named(gpio_c, "output", PIN_WL_REG_ON,
                                qemu_allocate_irq(photon_wl_reg_on, m, 0));

    /* The board drawn in a window (-display sdl) and in screenshots. */
    object_initialize_child(OBJECT(ms), "display", &m->display, TYPE_PHOTON_DISPLAY);
    qdev_realize(DEVICE(&m->display), NULL, &error_fatal);
    photon_display_set_view(&m->display, photon_display_view, m);
    qdev_connect_gpio_out_named(DEVICE(&m->display), "setup", 0,
                                qdev_get_gpio_in_named(DEVICE(&m->controls), "setup", 0));
    qdev_connect_gpio_out_named(DEVICE(&m->display), "reset", 0,
                                qdev_get_gpio_in_named(DEVICE(&m->controls), "reset", 0));
    if (m->screenshots) {
        g_auto(GStrv) specs = g_strsplit(m->screenshots, ";", -1);

        for (int i = 0; specs[i]; i++) {
            if (*specs[i] && !photon_display_add_screenshot(&m->display, specs[i],
                                                            &error_fatal)) {
                exit(1);
            }
        }
    }

    if (m->scenario && !photon_scenario_start(m->scenario, &error_fatal)) {
        exit(1);
    }
    if (until_s > 0) {
        m->until_timer = timer_new_ns(QEMU_CLOCK_VIRTUAL, photon_until_reached, m);
        timer_mod(m->until_timer, llround(until_s * NANOSECONDS_PER_SECOND));
    }
    /* No -kernel: the CPU boots from the flash image through the alias at 0. */
    armv7m_load_kernel(ARM_CPU(first_cpu), NULL, 0, STM32F2_FLASH_SIZE);
}

static char *photon_get_flash(Object *obj, Error **errp)
{
    return g_strdup(PHOTON_MACHINE(obj)->flash_file);
}

static void photon_set_flash(Object *obj, const char *value, Error **errp)
{
    PhotonMachineState *m = PHOTON_MACHINE(obj);

    g_free(m->flash_file);
    m->flash_file = g_strdup(value);
}

static char *photon_get_uid(Object *obj, Error **errp)
{
    return g_strdup(PHOTON_MACHINE(obj)->uid_hex);
}

static void photon_set_uid(Object *obj, const char *value, Error **errp)
{
    PhotonMachineState *m = PHOTON_MACHINE(obj);

    g_free(m->uid_hex);
    m->uid_hex = g_strdup(value);
}

static char *photon_get_report_dir(Object *obj, Error **errp)
{
    return g_strdup(PHOTON_MACHINE(obj)->report_dir);
}

static void photon_set_report_dir(Object *obj, const char *value, Error **errp)
{
    PhotonMachineState *m = PHOTON_MACHINE(obj);

    g_free(m->report_dir);
    m->report_dir = g_strdup(value);
}

static char *photon_get_wifi(Object *obj, Error **errp)
{
    return g_strdup(PHOTON_MACHINE(obj)->access_point);
}

static void photon_set_wifi(Object *obj, const char *value, Error **errp)
{
    PhotonMachineState *m = PHOTON_MACHINE(obj);

    g_free(m->access_point);
    m->access_point = g_strdup(value);
}

static char *photon_get_screenshots(Object *obj, Error **errp)
{
    return g_strdup(PHOTON_MACHINE(obj)->screenshots);
}

static void photon_set_screenshots(Object *obj, const char *value, Error **errp)
{
    PhotonMachineState *m = PHOTON_MACHINE(obj);

    g_free(m->screenshots);
    m->screenshots = g_strdup(value);
}

static char *photon_get_pcap(Object *obj, Error **errp)
{
    return g_strdup(PHOTON_MACHINE(obj)->pcap);
}

static void photon_set_pcap(Object *obj, const char *value, Error **errp)
{
    PhotonMachineState *m = PHOTON_MACHINE(obj);

    g_free(m->pcap);
    m->pcap = g_strdup(value);
}

static char *photon_get_cloud_dir(Object *obj, Error **errp)
{
    return g_strdup(PHOTON_MACHINE(obj)->cloud_dir);
}

static void photon_set_cloud_dir(Object *obj, const char *value, Error **errp)
{
    PhotonMachineState *m = PHOTON_MACHINE(obj);

    g_free(m->cloud_dir);
    m->cloud_dir = g_strdup(value);
}

static char *photon_get_control(Object *obj, Error **errp)
{
    return g_strdup(PHOTON_MACHINE(obj)->control_chardev);
}

static void photon_set_control(Object *obj, const char *value, Error **errp)
{
    PhotonMachineState *m = PHOTON_MACHINE(obj);

    g_free(m->control_chardev);
    m->control_chardev = g_strdup(value);
}

static char *photon_get_usb_serial(Object *obj, Error **errp)
{
    return g_strdup(PHOTON_MACHINE(obj)->usb_serial_chardev);
}

static void photon_set_usb_serial(Object *obj, const char *value, Error **errp)
{
    PhotonMachineState *m = PHOTON_MACHINE(obj);

    g_free(m->usb_serial_chardev);
    m->usb_serial_chardev = g_strdup(value);
}

static bool photon_get_usb_cable(Object *obj, Error **errp)
{
    return !PHOTON_MACHINE(obj)->usb_unplugged;
}

static void photon_set_usb_cable(Object *obj, bool value, Error **errp)
{
    PHOTON_MACHINE(obj)->usb_unplugged = !value;
}

static char *photon_get_scenario(Object *obj, Error **errp)
{
    return g_strdup(PHOTON_MACHINE(obj)->scenario_file);
}

static void photon_set_scenario(Object *obj, const char *value, Error **errp)
{
    PhotonMachineState *m = PHOTON_MACHINE(obj);

    g_free(m->scenario_file);
    m->scenario_file = g_strdup(value);
}

static char *photon_get_until(Object *obj, Error **errp)
{
    return g_strdup(PHOTON_MACHINE(obj)->until);
}

static void photon_set_until(Object *obj, const char *value, Error **errp)
{
    PhotonMachineState *m = PHOTON_MACHINE(obj);

    g_free(m->until);
    m->until = g_strdup(value);
}

static void photon_get_seed(Object *obj, Visitor *v, const char *name,
                            void *opaque, Error **errp)
{
    visit_type_uint64(v, name, &PHOTON_MACHINE(obj)->seed, errp);
}

static void photon_set_seed(Object *obj, Visitor *v, const char *name,
                            void *opaque, Error **errp)
{
    visit_type_uint64(v, name, &PHOTON_MACHINE(obj)->seed, errp);
}

static bool photon_get_strict(Object *obj, Error **errp)
{
    return PHOTON_MACHINE(obj)->strict;
}

static void photon_set_strict(Object *obj, bool value, Error **errp)
{
    PHOTON_MACHINE(obj)->strict = value;
}

static bool photon_get_fast_io(Object *obj, Error **errp)
{
    return !PHOTON_MACHINE(obj)->slow_io;
}

static void photon_set_fast_io(Object *obj, bool value, Error **errp)
{
    PHOTON_MACHINE(obj)->slow_io = !value;
}

static bool photon_get_idle_skip(Object *obj, Error **errp)
{
    return !PHOTON_MACHINE(obj)->no_idle_skip;
}

static void photon_set_idle_skip(Object *obj, bool value, Error **errp)
{
    PHOTON_MACHINE(obj)->no_idle_skip = !value;
}

static bool photon_get_profile(Object *obj, Error **errp)
{
    return PHOTON_MACHINE(obj)->profile;
}

static void photon_set_profile(Object *obj, bool value, Error **errp)
{
    PHOTON_MACHINE(obj)->profile = value;
}

static const char *photon_valid_cpu_types[] = {
    ARM_CPU_TYPE_NAME("cortex-m3"),
    NULL
};

static void photon_machine_class_init(ObjectClass *oc, void *data)
{
    MachineClass *mc = MACHINE_CLASS(oc);

    mc->desc = "Particle Photon (STM32F205RG + BCM43362)";
    mc->init = photon_machine_init;
    mc->default_cpu_type = ARM_CPU_TYPE_NAME("cortex-m3");
    mc->valid_cpu_types = photon_valid_cpu_types;
    mc->max_cpus = 1;
    mc->default_ram_size = 0;
    /* Accesses outside the chip's map must fault, as on hardware. */
    mc->ignore_memory_transaction_failures = false;

    object_class_property_add_str(oc, "flash", photon_get_flash, photon_set_flash);
    object_class_property_set_description(oc, "flash", "1 MiB flash image file");
    object_class_property_add_str(oc, "uid", photon_get_uid, photon_set_uid);
    object_class_property_set_description(oc, "uid",
        "96-bit unique ID = Particle device ID (24 hex digits)");
    object_class_property_add_str(oc, "report-dir", photon_get_report_dir,
                                  photon_set_report_dir);
    object_class_property_set_description(oc, "report-dir",
        "folder for led.jsonl and summary.json");
    object_class_property_add_str(oc, "until", photon_get_until, photon_set_until);
    object_class_property_set_description(oc, "until",
        "stop after this many seconds of virtual time");
    object_class_property_add_str(oc, "screenshot", photon_get_screenshots,
                                  photon_set_screenshots);
    object_class_property_set_description(oc, "screenshot",
        "pictures of the board at virtual times: T:FILE.png[;T:FILE.png...]");
    object_class_property_add_str(oc, "pcap", photon_get_pcap, photon_set_pcap);
    object_class_property_set_description(oc, "pcap",
        "capture every frame to and from the device in this pcap file");
    object_class_property_add_str(oc, "cloud-dir", photon_get_cloud_dir,
                                  photon_set_cloud_dir);
    object_class_property_set_description(oc, "cloud-dir",
        "the simulated cloud's device registry and server key");
    object_class_property_add_str(oc, "control", photon_get_control, photon_set_control);
    object_class_property_set_description(oc, "control",
        "chardev id of the line-based control channel (photon-sim cloud)");
    object_class_property_add_str(oc, "usb-serial", photon_get_usb_serial,
                                  photon_set_usb_serial);
    object_class_property_set_description(oc, "usb-serial",
        "chardev id of a terminal on the Photon's USB serial (the firmware's Serial)");
    object_class_property_add_bool(oc, "usb-cable", photon_get_usb_cable,
                                   photon_set_usb_cable);
    object_class_property_set_description(oc, "usb-cable",
        "a PC on the USB cable at power-on (default on)");
    object_class_property_add_bool(oc, "fast-io", photon_get_fast_io,
                                   photon_set_fast_io);
    object_class_property_set_description(oc, "fast-io",
        "under -icount, device accesses that cannot interrupt the CPU (clock reads, "
        "CRC words, flash status) see the exact time without ending the translation "
        "block (default on)");
    object_class_property_add_bool(oc, "idle-skip", photon_get_idle_skip,
                                   photon_set_idle_skip);
    object_class_property_set_description(oc, "idle-skip",
        "under -icount, a loop that comes round to the same state with no side "
        "effect skips virtual time to the next timer deadline (default on)");
    object_class_property_add_bool(oc, "profile", photon_get_profile, photon_set_profile);
    object_class_property_set_description(oc, "profile",
        "write profile.jsonl: per LED phase, the wall time, instructions run, I/O "
        "that ended blocks and idle time skipped");
    object_class_property_add_str(oc, "wifi", photon_get_wifi, photon_set_wifi);
    object_class_property_set_description(oc, "wifi",
        "an access point on the air: SSID:PASSPHRASE (WPA2) or SSID (open)");
    object_class_property_add_str(oc, "scenario", photon_get_scenario,
                                  photon_set_scenario);
    object_class_property_set_description(oc, "scenario",
        "run this scenario file: its world, steps and expectations "
        "(until defaults to the file's)");
    object_class_property_add(oc, "seed", "uint64", photon_get_seed, photon_set_seed,
                              NULL, NULL);
    object_class_property_set_description(oc, "seed", "seed of the RNG model");
    object_class_property_add_bool(oc, "strict", photon_get_strict, photon_set_strict);
    object_class_property_set_description(oc, "strict",
        "stop at the first unmodelled register access");
}

static const TypeInfo photon_machine_info = {
    .name = TYPE_PHOTON_MACHINE,
    .parent = TYPE_MACHINE,
    .instance_size = sizeof(PhotonMachineState),
    .class_init = photon_machine_class_init,
};

static void photon_machine_register_types(void)
{
    type_register_static(&photon_machine_info);
}

type_init(photon_machine_register_types)
